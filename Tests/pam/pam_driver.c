/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * pam_driver: drives the real libpam with a private service directory (pam_start_confdir) and hands every
 * conversation message to the controlling test over stdin/stdout, so a Python test can answer prompts as a
 * user would, or misbehave as a broken application would.
 *
 *   pam_driver CONFDIR SERVICE USER [--rhost H] [--tty T] [--silent] [--session] [--cycles N] [--no-conv]
 *              [--locale L] [--host-child] [--sigchld-ignore]
 *
 * --locale L: setlocale(LC_ALL, L) first, as login and gdm do with the user's LANG; exits 3 when L is not
 * installed, so a test never mistakes a missing locale for English prompts.
 *
 * A host with children of its own (sshd, gdm, a session manager), for what the module must leave alone:
 * --host-child      before pam_start, install a SIGCHLD handler (SA_RESTART) that reaps with waitpid(-1, WNOHANG)
 *                   and counts; at the first conversation message (the reset is running), fork a child of the
 *                   driver's own that exits 0.3 s later (still during the reset when the test answers later);
 * --sigchld-ignore  the same with SIGCHLD at SIG_IGN instead of the handler (the kernel then reaps the child).
 * With either, the driver checks the SIGCHLD disposition at every conversation call and at the end, and after the
 * last pam_end prints:
 *   RESULT host_reaped=N          children the handler reaped that were the driver's own
 *   RESULT host_reaped_other=N    children the handler reaped that the driver did not start (the module's)
 *   RESULT host_child_left=0|1    1 when the driver's own child is still waiting to be reaped (a zombie)
 *   RESULT host_sigchld=0|1|2     the disposition after pam_end: 0 SIG_DFL, 1 SIG_IGN, 2 the driver's handler
 *   RESULT host_sigchld_changed=0|1  1 when the disposition was ever seen different from what the driver set
 *
 * For each message it writes one line "STYLE<TAB>text" (STYLE: PROMPT_OFF, PROMPT_ON, ERROR, INFO; newlines in
 * text as "\n") and, for a prompt, reads one line:
 *   R <hex>        reply with these bytes (may contain NUL or invalid UTF-8)
 *   L <n> <hex2>   reply with n copies of one byte (huge replies)
 *   N              reply array present, this reply NULL
 *   A              return PAM_SUCCESS with no reply array at all
 *   E              return PAM_CONV_ERR
 * At the end: "RESULT authenticate=<code>" (and "RESULT open_session=<code>" with --session).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* --host-child / --sigchld-ignore */
static int host_mode;                      /* 0 off, 1 handler, 2 SIG_IGN */
static pid_t host_child;
static volatile sig_atomic_t host_reaped, host_reaped_other;
static struct sigaction host_expected;     /* SIGCHLD as the driver left it (flags as the kernel reports them) */
static int host_changed;

static void host_on_sigchld(int sig)
{
    (void)sig;
    int saved = errno;
    pid_t pid;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        if (pid == host_child) host_reaped++;
        else host_reaped_other++;
    }
    errno = saved;
}

static void host_check_sigchld(void)
{
    struct sigaction now;
    if (sigaction(SIGCHLD, NULL, &now) != 0 || now.sa_handler != host_expected.sa_handler ||
        now.sa_flags != host_expected.sa_flags)
        host_changed = 1;
}

static void host_start(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = host_mode == 2 ? SIG_IGN : host_on_sigchld;
    sa.sa_flags = host_mode == 2 ? 0 : SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGCHLD, NULL, &host_expected);
}

static void host_fork_child(void)
{
    host_child = fork();
    if (host_child == 0) {
        usleep(300000);
        _exit(0);
    }
}

static void host_report(void)
{
    host_check_sigchld();
    struct sigaction now;
    sigaction(SIGCHLD, NULL, &now);
    int disposition = now.sa_handler == SIG_DFL ? 0 : now.sa_handler == SIG_IGN ? 1 : 2;
    /* Block the handler while asking, so it cannot take the child between the two looks. */
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    int left = host_child > 0 && waitpid(host_child, NULL, WNOHANG) == host_child;
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("RESULT host_reaped=%d\nRESULT host_reaped_other=%d\nRESULT host_child_left=%d\n", (int)host_reaped,
           (int)host_reaped_other, left);
    printf("RESULT host_sigchld=%d\nRESULT host_sigchld_changed=%d\n", disposition, host_changed);
    fflush(stdout);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void emit(const char *style, const char *text)
{
    printf("%s\t", style);
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\n') fputs("\\n", stdout);
        else putchar(*p);
    }
    putchar('\n');
    fflush(stdout);
}

static int conversation(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    (void)data;
    if (host_mode) {
        host_check_sigchld();
        if (host_child == 0) host_fork_child();
    }
    struct pam_response *replies = calloc((size_t)n, sizeof *replies);
    if (replies == NULL) return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        const char *style = "OTHER";
        int prompt = 0;
        switch (msg[i]->msg_style) {
        case PAM_PROMPT_ECHO_OFF: style = "PROMPT_OFF"; prompt = 1; break;
        case PAM_PROMPT_ECHO_ON: style = "PROMPT_ON"; prompt = 1; break;
        case PAM_ERROR_MSG: style = "ERROR"; break;
        case PAM_TEXT_INFO: style = "INFO"; break;
        }
        emit(style, msg[i]->msg);
        if (!prompt) continue;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len = getline(&line, &cap, stdin);
        if (len <= 0) { free(line); free(replies); return PAM_CONV_ERR; }
        if (line[0] == 'E') { free(line); free(replies); return PAM_CONV_ERR; }
        if (line[0] == 'A') { free(line); free(replies); *resp = NULL; return PAM_SUCCESS; }
        if (line[0] == 'N') { free(line); continue; }
        if (line[0] == 'L') {
            size_t count = 0; unsigned int byte = 0;
            if (sscanf(line + 2, "%zu %2x", &count, &byte) != 2) count = 0;
            char *buf = malloc(count + 1);
            if (buf) { memset(buf, (int)byte, count); buf[count] = 0; }
            replies[i].resp = buf;
        } else {
            const char *hex = line + 2;
            size_t hexlen = strcspn(hex, "\r\n");
            char *buf = calloc(hexlen / 2 + 1, 1);
            for (size_t k = 0; buf && k + 1 < hexlen + 1 && k / 2 < hexlen / 2; k += 2)
                buf[k / 2] = (char)(hexval(hex[k]) * 16 + hexval(hex[k + 1]));
            replies[i].resp = buf;
        }
        free(line);
    }
    *resp = replies;
    return PAM_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: pam_driver CONFDIR SERVICE USER [options]\n"); return 2; }
    const char *rhost = NULL, *tty = NULL;
    int silent = 0, session = 0, cycles = 1, noconv = 0;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--rhost") && i + 1 < argc) rhost = argv[++i];
        else if (!strcmp(argv[i], "--tty") && i + 1 < argc) tty = argv[++i];
        else if (!strcmp(argv[i], "--silent")) silent = 1;
        else if (!strcmp(argv[i], "--session")) session = 1;
        else if (!strcmp(argv[i], "--no-conv")) noconv = 1;
        else if (!strcmp(argv[i], "--cycles") && i + 1 < argc) cycles = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--host-child")) host_mode = host_mode ? host_mode : 1;
        else if (!strcmp(argv[i], "--sigchld-ignore")) host_mode = 2;
        else if (!strcmp(argv[i], "--locale") && i + 1 < argc) {
            const char *name = argv[++i];
            if (setlocale(LC_ALL, name) == NULL) { fprintf(stderr, "pam_driver: locale %s is not installed\n", name); return 3; }
        }
    }
    struct pam_conv conv = { noconv ? NULL : conversation, NULL };
    int rc = 0;
    if (host_mode) host_start();
    for (int c = 0; c < cycles; c++) {
        pam_handle_t *pamh = NULL;
        rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
        if (rc != PAM_SUCCESS) { printf("RESULT start=%d\n", rc); return 1; }
        if (rhost) pam_set_item(pamh, PAM_RHOST, rhost);
        if (tty) pam_set_item(pamh, PAM_TTY, tty);
        rc = pam_authenticate(pamh, silent ? PAM_SILENT : 0);
        printf("RESULT authenticate=%d\n", rc);
        if (session) printf("RESULT open_session=%d\n", pam_open_session(pamh, silent ? PAM_SILENT : 0));
        fflush(stdout);
        pam_end(pamh, rc);
    }
    if (host_mode) host_report();
    return 0;
}
