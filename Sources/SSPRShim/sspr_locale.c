#define _GNU_SOURCE
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <regex.h>
#include <stddef.h>
#include "sspr_locale.h"

int sspr_use_message_locale(const char *name)
{
    if (name == NULL || setlocale(LC_MESSAGES, name) == NULL || setlocale(LC_CTYPE, name) == NULL) {
        /* Half a locale (messages in one language, characters classified by another) is worse than none. */
        setlocale(LC_MESSAGES, "C");
        setlocale(LC_CTYPE, "C");
        return -1;
    }
    return 0;
}

int sspr_use_environment_locale(void)
{
    return setlocale(LC_ALL, "") != NULL ? 0 : -1;
}

int sspr_bind_text_domain(const char *domain, const char *directory)
{
    if (bindtextdomain(domain, directory) == NULL) return -1;
    return bind_textdomain_codeset(domain, "UTF-8") != NULL ? 0 : -1;
}

const char *sspr_translate(const char *domain, const char *msgid)
{
    return dcgettext(domain, msgid, LC_MESSAGES);
}

int sspr_matches_yes_expression(const char *text)
{
    const char *expression = nl_langinfo(YESEXPR);
    if (expression == NULL || expression[0] == '\0' || text == NULL) return 0;
    regex_t compiled;
    if (regcomp(&compiled, expression, REG_EXTENDED | REG_NOSUB) != 0) return 0;
    int matched = regexec(&compiled, text, 0, NULL, 0) == 0;
    regfree(&compiled);
    return matched;
}

const char *sspr_yes_word(void)
{
    const char *word = nl_langinfo(YESSTR);
    return word != NULL ? word : "";
}
