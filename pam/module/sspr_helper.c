/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* Starting the reset helper, the way pam_unix starts unix_chkpwd: from inside someone else's process, so the
 * child gets nothing of the caller's but the protocol socket. A caller that is not root cannot start a root
 * helper; it connects to the root reset socket instead, whose server takes its identity from SO_PEERCRED.
 *
 * The host's SIGCHLD is the host's: its handler, its waitpid(-1) and its SIG_IGN must neither see nor take a
 * process of ours, and the host's own children must be reaped by the host while a reset runs. So the module's
 * child is started with exit signal 0 (no SIGCHLD; waited for with __WCLONE only). An exec sets a process's exit
 * signal back to SIGCHLD, so that child does not become the helper: it starts it and waits for it, and exits
 * with its status (docs/reset-protocol.md, "Transport"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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
    char shown[SSPR_LOG_TEXT_SIZE];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0) {
        pam_syslog(pamh, LOG_ERR, "reset helper %s cannot be opened (%s); reset not offered", sspr_log_text(shown, path),
                   strerror(errno));
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
        pam_syslog(pamh, LOG_ERR, "reset helper %s %s; reset not offered", sspr_log_text(shown, path), problem);
        close(fd);
        return -1;
    }
    return fd;
}

#if defined(__sparc__)
#error "sparc's clone returns the parent's pid in the child as well: clone_quietly needs code of its own there"
#endif

/* fork(), without glibc: no atfork handlers and no library lock another thread of the host may hold, and exit
 * signal 0. Flags 0 and NULL for the rest read the same in every architecture's order of clone's arguments. */
static pid_t clone_quietly(void)
{
    return (pid_t)syscall(SYS_clone, 0UL, NULL, NULL, NULL, NULL);
}

/* In the module's child, before anything else runs: async-signal-safe calls only, and raw syscalls for the ids
 * (glibc's setresuid would try to reach the host's other threads, which are not in this process). The helper
 * inherits all of it. Any failure ends the child. */
static void become_clean_root(int sock, int exe)
{
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
    /* The caller of su or sudo is the real uid here: make every id root, so the caller can neither signal these
     * processes nor have them read their files; a session of its own, so no terminal signal or hangup reaches it. */
    if (setsid() < 0)
        _exit(127);
    if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, 0, 0, 0) != 0 ||
        syscall(SYS_setresuid, 0, 0, 0) != 0)
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
    /* The host's handlers do not belong here (spawn_helper blocked every signal until now). */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The helper itself, a child of the waiting process: its own session again (the waiting process leads the first),
 * gone with the waiting process, should that one be killed, then the executable checked earlier. */
static void exec_helper(pid_t waiter)
{
    static char *const argv[] = { "sspr-reset", NULL };
    static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", NULL };
    if (setsid() < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != waiter)
        _exit(127);
    /* A file-size limit we could not raise (no CAP_SYS_RESOURCE) must fail a write with EFBIG, which the engine
     * handles (shadow stays byte-identical), not kill the helper half-way with SIGXFSZ. SIGTERM: the waiting
     * process's handler is not the helper's. */
    struct sigaction ign, dfl;
    memset(&ign, 0, sizeof ign);
    memset(&dfl, 0, sizeof dfl);
    ign.sa_handler = SIG_IGN;
    dfl.sa_handler = SIG_DFL;
    (void)sigaction(SIGXFSZ, &ign, NULL);
    (void)sigaction(SIGTERM, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    syscall(SYS_execveat, 4, "", argv, envp, AT_EMPTY_PATH);
    _exit(127);
}

/* In the waiting process only: SIGTERM is the module's "end it" (sspr_helper_finish). */
static volatile pid_t waited_helper;

static void kill_waited_helper(int sig)
{
    (void)sig;
    if (waited_helper > 0)
        kill(waited_helper, SIGKILL);
}

/* The module's child: starts the helper, keeps nothing of the protocol open, and exits with the helper's status
 * (127 when it could not start it, 128 + the signal that killed it) once it has reaped it. */
static void run_waiter(int sock, int exe)
{
    become_clean_root(sock, exe);
    (void)prctl(PR_SET_NAME, "sspr-reset-wait", 0, 0, 0);
    /* SIGTERM kills the helper, which is then reaped as usual: when the module has reaped this process, the
     * helper is gone too. Blocked until the helper's pid is known. */
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    (void)sigprocmask(SIG_BLOCK, &term, NULL);
    struct sigaction on_term;
    memset(&on_term, 0, sizeof on_term);
    on_term.sa_handler = kill_waited_helper;
    (void)sigaction(SIGTERM, &on_term, NULL);
    pid_t self = getpid();
    pid_t pid = clone_quietly();
    if (pid == 0)
        exec_helper(self);
    close(3);
    close(4);
    if (pid < 0)
        _exit(127);
    waited_helper = pid;
    (void)sigprocmask(SIG_UNBLOCK, &term, NULL);
    int status = 0;
    pid_t rc;
    do {
        rc = waitpid(pid, &status, __WALL); /* exit signal 0 until the exec, SIGCHLD after it */
    } while (rc < 0 && errno == EINTR);
    if (rc != pid)
        _exit(127);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WTERMSIG(status) & 127));
}

static int spawn_helper(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper)
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
    /* No handler of the host may run in the child before it has set every signal to its default: block them all
     * in this thread for the clone (the host's mask is back right after it; its dispositions are never touched). */
    sigset_t all, mask;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &mask);
    pid_t pid = clone_quietly();
    if (pid == 0)
        run_waiter(pair[1], exe);
    int error = errno;
    sigprocmask(SIG_SETMASK, &mask, NULL);
    close(pair[1]);
    close(exe);
    if (pid < 0) {
        pam_syslog(pamh, LOG_ERR, "clone: %s; reset not offered", strerror(error));
        close(pair[0]);
        return -1;
    }
    helper->fd = pair[0];
    helper->pid = pid;
    return 0;
}

/* Connects the non-blocking socket within the deadline. A full backlog (someone else's connections waiting) makes
 * an AF_UNIX connect fail with EAGAIN at once: try again after short pauses. 0, ETIMEDOUT or the error. */
static int connect_within(int fd, const struct sockaddr_un *address, long long deadline)
{
    int pause_ms = 5;
    for (;;) {
        if (connect(fd, (const struct sockaddr *)address, sizeof *address) == 0)
            return 0;
        int error = errno;
        long long left = deadline - sspr_now_ms();
        if (error == EAGAIN) {
            if (left <= 0)
                return ETIMEDOUT;
            (void)poll(NULL, 0, left < pause_ms ? (int)left : pause_ms);
            pause_ms = pause_ms < 100 ? pause_ms * 2 : 100;
            continue;
        }
        if (error == EINPROGRESS || error == EINTR) {
            /* Under way: writable once it completed or failed; SO_ERROR says which. */
            int result = 0;
            socklen_t length = sizeof result;
            if (!sspr_wait_for(fd, POLLOUT, deadline))
                return ETIMEDOUT;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length) != 0)
                return errno;
            return result;
        }
        return error;
    }
}

/* A caller that is not root (a screen locker) asks the root reset service instead. No service, no offer; nor for
 * a service that does not take the call within helper_timeout (another user may have filled its backlog) or is
 * not root (anyone may listen on a path the caller's own module arguments name): the password failure goes on. */
static int connect_reset_socket(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper)
{
    struct sockaddr_un address;
    char shown[SSPR_LOG_TEXT_SIZE];
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (options->socket != NULL) {
        if (strlen(options->socket) >= sizeof address.sun_path)
            return -1;
        strcpy(address.sun_path, options->socket);
    } else if (sspr_path_under_root(address.sun_path, sizeof address.sun_path, options->root, SSPR_DEFAULT_SOCKET) != 0) {
        return -1;
    }
    /* Non-blocking from here on: the frame functions poll before every read and write anyway. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int error = connect_within(fd, &address, sspr_now_ms() + (long long)options->timeout * 1000);
    if (error == ETIMEDOUT) {
        pam_syslog(pamh, LOG_ERR, "reset socket %s did not take the connection within %d s; reset not offered",
                   sspr_log_text(shown, address.sun_path), options->timeout);
        close(fd);
        return -1;
    }
    if (error != 0) {
        if (options->debug)
            pam_syslog(pamh, LOG_DEBUG, "reset socket %s: %s; reset not offered", sspr_log_text(shown, address.sun_path),
                       strerror(error));
        close(fd);
        return -1;
    }
    /* The server is whoever called listen(): the reset service is root (ssprd, or systemd's socket unit). */
    struct ucred peer;
    socklen_t length = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || length != sizeof peer || peer.uid != 0) {
        pam_syslog(pamh, LOG_ERR, "reset socket %s is not served by root (uid %ld); reset not offered",
                   sspr_log_text(shown, address.sun_path), length == sizeof peer ? (long)peer.uid : -1L);
        close(fd);
        return -1;
    }
    helper->fd = fd;
    helper->pid = 0;
    return 0;
}

int sspr_helper_start(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper)
{
    memset(helper, 0, sizeof *helper);
    helper->fd = -1;
    if (geteuid() == 0)
        return spawn_helper(pamh, options, helper);
    return connect_reset_socket(pamh, options, helper);
}

int sspr_helper_finish(struct sspr_helper *helper, int kill_it)
{
    int clean = 0;
    if (helper->fd >= 0)
        close(helper->fd);
    helper->fd = -1;
    if (helper->pid > 0) {
        /* SIGTERM: our child kills the helper and reaps it before it exits (SIGCONT, should someone have stopped
         * it). Then our child only: it sends no SIGCHLD, so __WCLONE. */
        if (kill_it) {
            kill(helper->pid, SIGTERM);
            kill(helper->pid, SIGCONT);
        }
        int status = 0;
        pid_t rc;
        do {
            rc = waitpid(helper->pid, &status, __WCLONE);
        } while (rc < 0 && errno == EINTR);
        clean = rc == helper->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        helper->pid = 0;
    } else {
        clean = 1;
    }
    return clean;
}
