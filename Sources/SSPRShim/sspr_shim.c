/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <grp.h>
#include <unistd.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistr.h>
#include <unicase.h>
#include <uninorm.h>
#include "sspr_shim.h"

void sspr_syslog(int priority, const char *ident, const char *message)
{
    /* No openlog/closelog: inside login or sshd they would replace, then drop, the host's own identity and
     * facility for its later lines. The facility goes in the priority, the identity in the text. */
    syslog(priority, "%s: %s", ident, message);
}

void sspr_openlog(const char *ident)
{
    static char kept[64];
    snprintf(kept, sizeof kept, "%s", ident != NULL ? ident : "sspr");
    openlog(kept, LOG_PID, LOG_AUTHPRIV);
}

int sspr_become_root(void)
{
    if (setresgid(0, 0, 0) != 0 || initgroups("root", 0) != 0 || setresuid(0, 0, 0) != 0)
        return -1;
    return 0;
}

void sspr_not_dumpable(void)
{
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void sspr_ignore_hangup_and_pipe(void)
{
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

void sspr_syslog_line(int priority, const char *message)
{
    syslog(priority, "%s", message);
}

void sspr_secure_zero(void *buffer, size_t length)
{
    if (buffer != NULL && length > 0)
        explicit_bzero(buffer, length);
}

int sspr_utf8_is_valid(const unsigned char *bytes, size_t length)
{
    if (length == 0)
        return 1;
    return bytes != NULL && u8_check(bytes, length) == NULL;
}

int sspr_utf8_casefold_nfc(const unsigned char *bytes, size_t length, unsigned char **out, size_t *out_length)
{
    *out = NULL;
    *out_length = 0;
    if (bytes == NULL || length == 0)
        return -1;
    size_t result_length = 0;
    uint8_t *result = u8_casefold(bytes, length, NULL, UNINORM_NFC, NULL, &result_length);
    if (result == NULL)
        return -1;
    *out = result;
    *out_length = result_length;
    return 0;
}

int sspr_so_peercred(void)
{
    _Static_assert(sizeof(struct ucred) == sizeof(sspr_ucred), "struct ucred layout");
    return SO_PEERCRED;
}

/* posix_spawn with default signals, an empty mask, descriptors laid out by `layout` and everything above them
 * closed; `session` gives the child a session of its own, else a process group of its own. */
static int spawn_clean(const char *path, char *const argv[], char *const envp[], int stdin_fd, int socket_fd,
                       int stdout_fd, int session, int *pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t all, none;
    int rc;
    if ((rc = posix_spawn_file_actions_init(&actions)) != 0)
        return rc;
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    sigfillset(&all);
    sigemptyset(&none);
    if (stdin_fd >= 0) {
        rc = posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
        if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    } else {
        rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDWR, 0);
        if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, 0, 1);
    }
    if (rc == 0 && stdout_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (rc == 0 && socket_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, socket_fd, 3);
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, socket_fd >= 0 ? 4 : 3);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
    if (rc == 0 && !session) rc = posix_spawnattr_setpgroup(&attr, 0);
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                                          (session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP));
    pid_t child = 0;
    if (rc == 0) rc = posix_spawn(&child, path, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc == 0) *pid = child;
    return rc;
}

int sspr_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int *pid)
{
    return spawn_clean(path, argv, envp, stdin_fd, -1, -1, 0, pid);
}

int sspr_spawn_capturing(const char *path, char *const argv[], char *const envp[], int output_fd, int *pid)
{
    return spawn_clean(path, argv, envp, -1, -1, output_fd, 0, pid);
}

int sspr_spawn_with_socket(const char *path, char *const argv[], char *const envp[], int socket_fd, int *pid)
{
    return spawn_clean(path, argv, envp, -1, socket_fd, -1, 1, pid);
}

void sspr_scrub_freed_memory(void)
{
    mallopt(M_PERTURB, 0xa5);
}
