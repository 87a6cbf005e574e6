/*
 * pam_driver: drives the real libpam with a private service directory (pam_start_confdir) and hands every
 * conversation message to the controlling test over stdin/stdout, so a Python test can answer prompts as a
 * user would, or misbehave as a broken application would.
 *
 *   pam_driver CONFDIR SERVICE USER [--rhost H] [--tty T] [--silent] [--session] [--cycles N] [--no-conv]
 *              [--locale L]
 *
 * --locale L: setlocale(LC_ALL, L) first, as login and gdm do with the user's LANG; exits 3 when L is not
 * installed, so a test never mistakes a missing locale for English prompts.
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
#include <locale.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        else if (!strcmp(argv[i], "--locale") && i + 1 < argc) {
            const char *name = argv[++i];
            if (setlocale(LC_ALL, name) == NULL) { fprintf(stderr, "pam_driver: locale %s is not installed\n", name); return 3; }
        }
    }
    struct pam_conv conv = { noconv ? NULL : conversation, NULL };
    int rc = 0;
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
    return 0;
}
