#include <unistr.h>
#include <unicase.h>
#include <uninorm.h>
