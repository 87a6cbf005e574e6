/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
#ifndef SSPR_SHIM_H
#define SSPR_SHIM_H
#include <stddef.h>
#include <sys/random.h>

/* Each shim exists because Swift cannot call the C function directly (variadic) or because the call must
 * not be optimised away. Format strings are fixed here: user text is never a format. */

/* syslog(3) is variadic: one preformatted line, "ident: message", at the given facility|priority. */
void sspr_syslog(int priority, const char *ident, const char *message);

/* openlog(3) keeps the ident pointer: a copy that lives as long as the process, LOG_PID, facility authpriv. */
void sspr_openlog(const char *ident);

/* Real, effective and saved uid and gid 0 and root's groups (setresuid/setresgid need _GNU_SOURCE, which Swift's
 * Glibc module does not set). Returns 0 or -1. */
int sspr_become_root(void);

/* prctl(PR_SET_DUMPABLE, 0): no core file and no ptrace by the same uid (prctl is variadic). */
void sspr_not_dumpable(void);

/* SIGHUP and SIGPIPE ignored (no handler): the caller's signals cannot reach a root process, and a hangup of a
 * terminal or a peer that went away must not end the helper before it records a reset and sends its notices. */
void sspr_ignore_hangup_and_pipe(void);

/* syslog(3) with the text as an argument, never as the format. */
void sspr_syslog_line(int priority, const char *message);

/* Zero a buffer in a way the compiler may not elide (explicit_bzero). */
void sspr_secure_zero(void *buffer, size_t length);

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

/* Starts `path` with `argv` and `envp` through posix_spawn with `socket_fd` as its descriptor 3 (stdin, stdout
 * and stderr /dev/null, everything else closed, default signals, empty mask, a session of its own): how ssprd
 * hands a reset-socket connection to sspr-reset. Returns 0 or an errno. */
int sspr_spawn_with_socket(const char *path, char *const argv[], char *const envp[], int socket_fd, int *pid);

/* Like sspr_spawn, with stdin /dev/null and stdout and stderr on `output_fd`: for a command whose answer is
 * its output (sudo -l). Returns 0 or an errno. */
int sspr_spawn_capturing(const char *path, char *const argv[], char *const envp[], int output_fd, int *pid);

/* Starts `path` with `argv` and `envp` through posix_spawn (no code of ours runs in the child, which matters
 * inside login or sshd): stdin from `stdin_fd`, stdout and stderr to /dev/null, every other descriptor closed,
 * default signal dispositions, an empty signal mask, its own process group. Returns 0 or an errno. */
int sspr_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int *pid);

/* Makes glibc's malloc overwrite every block when it is freed (mallopt M_PERTURB): the daemon decodes requests
 * into ordinary strings and buffers, and freed copies of passwords, answers and codes must not linger in the
 * heap. Not for the PAM module: it must not change the host process's allocator. */
void sspr_scrub_freed_memory(void);

#endif
