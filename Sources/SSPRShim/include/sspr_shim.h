#ifndef SSPR_SHIM_H
#define SSPR_SHIM_H
#include <stddef.h>
#include <sys/random.h>
#include <security/pam_appl.h>

/* Each shim exists because Swift cannot call the C function directly (variadic) or because the call must
 * not be optimised away. Format strings are fixed here: user text is never a format. */

/* syslog(3) is variadic: log one preformatted line to the given facility|priority. */
void sspr_syslog(int priority, const char *ident, const char *message);

/* Zero a buffer in a way the compiler may not elide (explicit_bzero). */
void sspr_secure_zero(void *buffer, size_t length);

/* pam_syslog is variadic: one preformatted line through libpam's logger ("%s"). */
void sspr_pam_syslog(const pam_handle_t *pamh, int priority, const char *message);

/* Calls the application's conversation with `count` messages; replies are returned as-is (caller frees). */
int sspr_pam_converse(pam_handle_t *pamh, int count, const int *styles, const char *const *texts,
                      struct pam_response **replies);

/* Frees a reply array from a conversation, zeroing every reply first (they hold secrets). */
void sspr_pam_free_replies(struct pam_response *replies, int count);



#include <uninorm.h>
/* UNINORM_NFC is a macro taking the address of a data symbol; Swift cannot import it. */
uninorm_t uninorm_nfc_form(void);
#endif
