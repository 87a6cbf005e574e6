/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* Starting the reset helper, the way pam_unix starts unix_chkpwd: from inside someone else's process, so the
 * child gets nothing of the caller's but the protocol socket. A caller that is not root cannot start a root
 * helper; it connects to the root reset socket instead, whose server takes its identity from SO_PEERCRED. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>
#include "sspr_module.h"

/* Opens the helper without following a final symlink and checks it is a root-owned regular executable that
 * nobody else may write. The descriptor is what gets executed, so the file checked is the file run. */
static int open_trusted_helper(pam_handle_t *pamh, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0) {
        pam_syslog(pamh, LOG_ERR, "reset helper %s cannot be opened (%s); reset not offered", path, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *problem = NULL;
    if (fstat(fd, &st) != 0)
        problem = "cannot be examined";
    else if (!S_ISREG(st.st_mode))
        problem = "is not a regular file";
    else if (st.st_uid != 0)
        problem = "is not owned by root";
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        problem = "is writable by group or others";
    else if (!(st.st_mode & S_IXUSR))
        problem = "is not executable";
    if (problem != NULL) {
        pam_syslog(pamh, LOG_ERR, "reset helper %s %s; reset not offered", path, problem);
        close(fd);
        return -1;
    }
    return fd;
}

/* In the child, between fork and exec: async-signal-safe calls only. Any failure ends the child. */
static void become_clean_root_helper(int sock, int exe)
{
    static char *const argv[] = { "sspr-reset", NULL };
    static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", NULL };
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    /* Move the socket and the executable above the standard descriptors before laying them out. */
    int s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
    int e = fcntl(exe, F_DUPFD_CLOEXEC, 10);
    if (nul < 0 || s < 0 || e < 0)
        _exit(127);
    /* 0-2 /dev/null, 3 the protocol socket, 4 the helper's executable (close-on-exec: gone once it runs). */
    if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0 || dup2(s, 3) < 0 || dup2(e, 4) < 0 ||
        fcntl(4, F_SETFD, FD_CLOEXEC) != 0)
        _exit(127);
    /* Everything else the host had open (its terminal, its sockets, other sessions' files) stays behind. */
    if (syscall(SYS_close_range, 5u, ~0u, 0u) != 0) {
        struct rlimit nofile;
        long max = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 65536 ? (long)nofile.rlim_cur : 65536;
        for (long fd = 5; fd < max; fd++)
            close((int)fd);
    }
    /* The caller of su or sudo is the real uid here: make every id root, so the caller can neither signal the
     * helper nor have it read their files; a session of its own, so no terminal hangup reaches it. */
    if (setsid() < 0 && getsid(0) != getpid())
        _exit(127);
    if (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
        _exit(127);
    if (chdir("/") != 0)
        _exit(127);
    umask(077);
    /* Limits the caller chose must not fail a write half-way or leave a core with secrets in it: open-ended
     * where root may raise them, else at least the soft limit up to the hard one. */
    static const int open_ended[] = { RLIMIT_FSIZE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK };
    for (size_t i = 0; i < sizeof open_ended / sizeof open_ended[0]; i++) {
        struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY }, current;
        if (setrlimit(open_ended[i], &unlimited) != 0 && getrlimit(open_ended[i], &current) == 0) {
            current.rlim_cur = current.rlim_max;
            (void)setrlimit(open_ended[i], &current);
        }
    }
    struct rlimit core = { 0, 0 }, nofile = { 1024, 4096 }, stack = { 8u << 20, RLIM_INFINITY };
    (void)setrlimit(RLIMIT_CORE, &core);
    (void)setrlimit(RLIMIT_NOFILE, &nofile);
    (void)setrlimit(RLIMIT_STACK, &stack);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &dfl, NULL);
    /* A file-size limit we could not raise (no CAP_SYS_RESOURCE) must fail a write with EFBIG, which the engine
     * handles (shadow stays byte-identical), not kill the helper half-way with SIGXFSZ. */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    (void)sigaction(SIGXFSZ, &ign, NULL);
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    syscall(SYS_execveat, 4, "", argv, envp, AT_EMPTY_PATH);
    _exit(127);
}

static int spawn_helper(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper,
                        struct sigaction *saved_sigchld)
{
    int exe = open_trusted_helper(pamh, options->helper);
    if (exe < 0)
        return -1;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        pam_syslog(pamh, LOG_ERR, "socketpair: %s; reset not offered", strerror(errno));
        close(exe);
        return -1;
    }
    /* Our child must be ours to reap: a host that ignores SIGCHLD or reaps with waitpid(-1) would take it. The
     * host's disposition is put back in sspr_helper_finish. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    helper->restore_sigchld = sigaction(SIGCHLD, &dfl, saved_sigchld) == 0;
    helper->saved = saved_sigchld;
    pid_t pid = fork();
    if (pid == 0)
        become_clean_root_helper(pair[1], exe);
    close(pair[1]);
    close(exe);
    if (pid < 0) {
        pam_syslog(pamh, LOG_ERR, "fork: %s; reset not offered", strerror(errno));
        close(pair[0]);
        if (helper->restore_sigchld)
            sigaction(SIGCHLD, saved_sigchld, NULL);
        helper->restore_sigchld = 0;
        return -1;
    }
    helper->fd = pair[0];
    helper->pid = pid;
    return 0;
}

/* A caller that is not root (a screen locker) asks the root reset service instead. No service, no offer. */
static int connect_reset_socket(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper)
{
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (options->socket != NULL) {
        if (strlen(options->socket) >= sizeof address.sun_path)
            return -1;
        strcpy(address.sun_path, options->socket);
    } else if (sspr_path_under_root(address.sun_path, sizeof address.sun_path, options->root, SSPR_DEFAULT_SOCKET) != 0) {
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        if (options->debug)
            pam_syslog(pamh, LOG_DEBUG, "reset socket %s: %s; reset not offered", address.sun_path, strerror(errno));
        close(fd);
        return -1;
    }
    helper->fd = fd;
    helper->pid = 0;
    return 0;
}

int sspr_helper_start(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper,
                      struct sigaction *saved_sigchld)
{
    memset(helper, 0, sizeof *helper);
    helper->fd = -1;
    if (geteuid() == 0)
        return spawn_helper(pamh, options, helper, saved_sigchld);
    return connect_reset_socket(pamh, options, helper);
}

int sspr_helper_finish(struct sspr_helper *helper, int kill_it)
{
    int clean = 0;
    if (helper->fd >= 0)
        close(helper->fd);
    helper->fd = -1;
    if (helper->pid > 0) {
        if (kill_it)
            kill(helper->pid, SIGKILL);
        int status = 0;
        pid_t rc;
        do {
            rc = waitpid(helper->pid, &status, 0);
        } while (rc < 0 && errno == EINTR);
        clean = rc == helper->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        helper->pid = 0;
    } else {
        clean = 1;
    }
    if (helper->restore_sigchld)
        sigaction(SIGCHLD, helper->saved, NULL);
    helper->restore_sigchld = 0;
    return clean;
}
