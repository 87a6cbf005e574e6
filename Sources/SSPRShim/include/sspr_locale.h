#ifndef SSPR_LOCALE_H
#define SSPR_LOCALE_H

/* gettext and the locale's "yes". libintl.h and regex.h are not in Swift's Glibc module, and nl_langinfo's
 * YESSTR needs _GNU_SOURCE, so these few calls live here; SSPRSystem's Translation is their only user. */

/* setlocale(LC_MESSAGES, name) and setlocale(LC_CTYPE, name): the reset helper speaks the PAM application's
 * language. Returns 0 when both categories took the name; otherwise both are "C" again and -1 is returned. */
int sspr_use_message_locale(const char *name);

/* setlocale(LC_ALL, ""): the command line follows its environment (LANG, LC_ALL, LC_MESSAGES). 0 or -1. */
int sspr_use_environment_locale(void);

/* bindtextdomain(domain, directory) and bind_textdomain_codeset(domain, "UTF-8"): Swift strings are UTF-8
 * whatever LC_CTYPE says. Returns 0 or -1. */
int sspr_bind_text_domain(const char *domain, const char *directory);

/* dcgettext(domain, msgid, LC_MESSAGES): the translation, or msgid itself. Never NULL for a non-NULL msgid. */
const char *sspr_translate(const char *domain, const char *msgid);

/* 1 when text matches the LC_MESSAGES locale's nl_langinfo(YESEXPR) (an extended regular expression such as
 * "^[+1jJyY]"), 0 when not or when it cannot be compiled. */
int sspr_matches_yes_expression(const char *text);

/* nl_langinfo(YESSTR): the locale's word for yes ("ja", "oui", "sí"), "" when it has none. */
const char *sspr_yes_word(void);

#endif
