#ifndef SSPR_SHIM_H
#define SSPR_SHIM_H
#include <stddef.h>
#include <sys/random.h>
#include <security/pam_appl.h>

/* Each shim exists because Swift cannot call the C function directly (variadic) or because the call must
 * not be optimised away. Format strings are fixed here: user text is never a format. */

/* syslog(3) is variadic: one preformatted line, "ident: message", at the given facility|priority. */
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



/* libunistring's headers redefine the C integer types in a way that clashes with Swift's Glibc module, so they
 * are included only in sspr_shim.c and these two wrappers are all Swift sees. */

/* 1 when the bytes are well-formed UTF-8 (u8_check). */
int sspr_utf8_is_valid(const unsigned char *bytes, size_t length);

/* Full Unicode case folding then NFC (u8_casefold with UNINORM_NFC). The result is malloc'ed into *out (the
 * caller zeroes and frees it); returns 0 on success, -1 on failure. */
int sspr_utf8_casefold_nfc(const unsigned char *bytes, size_t length, unsigned char **out, size_t *out_length);
/* struct ucred (SO_PEERCRED) is only declared under _GNU_SOURCE, which Swift's Glibc module does not set:
 * the same layout, under our own name, and the option number. */
#include <sys/types.h>
typedef struct sspr_ucred { pid_t pid; uid_t uid; gid_t gid; } sspr_ucred;
int sspr_so_peercred(void);

/* Starts `path` with `argv` and `envp` through posix_spawn (no code of ours runs in the child, which matters
 * inside login or sshd): stdin from `stdin_fd`, stdout and stderr to /dev/null, every other descriptor closed,
 * default signal dispositions, an empty signal mask, its own process group. Returns 0 or an errno. */
int sspr_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int *pid);

/* Makes glibc's malloc overwrite every block when it is freed (mallopt M_PERTURB): the daemon decodes requests
 * into ordinary strings and buffers, and freed copies of passwords, answers and codes must not linger in the
 * heap. Not for the PAM module: it must not change the host process's allocator. */
void sspr_scrub_freed_memory(void);

#endif
