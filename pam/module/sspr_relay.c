/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* The relay: hand the helper the request, turn its conversation frames into calls of the application's
 * conversation function, hand the replies back, take the result. The module holds a secret only between the
 * application's reply and the frame that carries it on, and wipes every copy. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>
#include "sspr_module.h"

/* The results a helper may report; anything else is a protocol fault. */
static int allowed_result(long code)
{
    switch (code) {
    case PAM_SUCCESS: case PAM_IGNORE: case PAM_AUTH_ERR: case PAM_MAXTRIES: case PAM_AUTHINFO_UNAVAIL:
    case PAM_CONV_ERR: case PAM_SYSTEM_ERR: case PAM_AUTHTOK_LOCK_BUSY: case PAM_AUTHTOK_ERR:
    case PAM_PERM_DENIED: case PAM_USER_UNKNOWN:
        return 1;
    default:
        return 0;
    }
}

static const char *item_string(pam_handle_t *pamh, int type)
{
    const void *value = NULL;
    if (pam_get_item(pamh, type, &value) != PAM_SUCCESS || value == NULL)
        return "";
    return value;
}

/* Heap, not static: two PAM handles may run on two threads of one host. */
struct relay_buffers {
    struct sspr_frame_in in;
    struct sspr_frame_out out;
    char texts[SSPR_MESSAGES_MAX][SSPR_TEXT_MAX + 1];
};

static int send_start(int fd, pam_handle_t *pamh, int flags, const struct sspr_options *options, const char *hook,
                      struct sspr_frame_out *frame_out)
{
    struct sspr_frame_out *frame = frame_out;
    char number[32];
    sspr_frame_begin(frame, 'S');
    sspr_frame_string(frame, SSPR_PROTOCOL_NAME);
    sspr_frame_string(frame, hook);
    snprintf(number, sizeof number, "%d", flags);
    sspr_frame_string(frame, number);
    snprintf(number, sizeof number, "%u", (unsigned)getuid());
    sspr_frame_string(frame, number);
    sspr_frame_string(frame, item_string(pamh, PAM_USER));
    sspr_frame_string(frame, item_string(pamh, PAM_SERVICE));
    sspr_frame_string(frame, item_string(pamh, PAM_TTY));
    sspr_frame_string(frame, item_string(pamh, PAM_RHOST));
    sspr_frame_string(frame, item_string(pamh, PAM_RUSER));
    /* The application's message locale (login, gdm and lockers call setlocale): the helper speaks it. */
    const char *locale = setlocale(LC_MESSAGES, NULL);
    sspr_frame_string(frame, locale != NULL && strlen(locale) < 64 ? locale : "C");
    for (int i = 0; i < options->argc; i++)
        sspr_frame_string(frame, options->argv[i]);
    return sspr_frame_send(fd, frame, options->timeout);
}

/* One conversation round: frame 'C' holds (style, text) pairs. Returns 0 when the replies (or a 'F') went
 * back, -1 when the frame is malformed or the helper cannot be written to. */
static int converse_round(pam_handle_t *pamh, const struct sspr_options *options, int fd, struct relay_buffers *b)
{
    struct sspr_frame_in *in = &b->in;
    char (*texts)[SSPR_TEXT_MAX + 1] = b->texts;
    struct pam_message messages[SSPR_MESSAGES_MAX];
    const struct pam_message *pointers[SSPR_MESSAGES_MAX];
    unsigned int count = in->count / 2;
    if (in->count == 0 || in->count % 2 != 0 || count > SSPR_MESSAGES_MAX)
        return -1;
    for (unsigned int i = 0; i < count; i++) {
        const unsigned char *style = in->field[2 * i], *text = in->field[2 * i + 1];
        size_t text_length = in->field_length[2 * i + 1];
        if (in->field_length[2 * i] != 1 || style[0] < '1' || style[0] > '4')
            return -1;
        if (text_length > SSPR_TEXT_MAX || memchr(text, 0, text_length) != NULL)
            return -1;
        memcpy(texts[i], text, text_length);
        texts[i][text_length] = '\0';
        messages[i].msg_style = style[0] - '0'; /* PAM_PROMPT_ECHO_OFF 1 .. PAM_TEXT_INFO 4 */
        messages[i].msg = texts[i];
        pointers[i] = &messages[i];
    }
    const struct pam_conv *conv = NULL;
    struct pam_response *replies = NULL;
    int rc = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
    if (rc == PAM_SUCCESS && (conv == NULL || conv->conv == NULL))
        rc = PAM_CONV_ERR;
    if (rc == PAM_SUCCESS)
        rc = conv->conv((int)count, pointers, &replies, conv->appdata_ptr);
    struct sspr_frame_out *out = &b->out;
    sspr_frame_begin(out, 'R');
    for (unsigned int i = 0; i < count && rc == PAM_SUCCESS; i++) {
        int prompt = messages[i].msg_style == PAM_PROMPT_ECHO_OFF || messages[i].msg_style == PAM_PROMPT_ECHO_ON;
        if (!prompt) {
            sspr_frame_field(out, "", 0);
            continue;
        }
        const char *reply = replies != NULL ? replies[i].resp : NULL;
        size_t length = reply != NULL ? strnlen(reply, SSPR_REPLY_MAX + 1) : 0;
        /* No reply, or one too long to be what the user meant: the conversation failed (nothing is cut). */
        if (reply == NULL || length > SSPR_REPLY_MAX) {
            rc = PAM_CONV_ERR;
            break;
        }
        sspr_frame_field(out, reply, length);
    }
    if (replies != NULL) {
        for (unsigned int i = 0; i < count; i++) {
            if (replies[i].resp != NULL) {
                explicit_bzero(replies[i].resp, strlen(replies[i].resp));
                free(replies[i].resp);
            }
        }
        free(replies);
    }
    for (unsigned int i = 0; i < count; i++)
        explicit_bzero(texts[i], SSPR_TEXT_MAX + 1);
    if (rc != PAM_SUCCESS) {
        if (options->debug)
            pam_syslog(pamh, LOG_DEBUG, "conversation failed (%d); the helper ends the reset", rc);
        sspr_frame_begin(out, 'F');
    }
    return sspr_frame_send(fd, out, options->timeout);
}

/* 'D': the result and, after a completed reset under on_success = login, the new password for PAM_AUTHTOK. */
static int take_result(pam_handle_t *pamh, struct sspr_frame_in *in, int *result)
{
    if (in->count < 1 || in->count > 2 || in->field_length[0] < 1 || in->field_length[0] > 3)
        return -1;
    long code = 0;
    for (size_t i = 0; i < in->field_length[0]; i++) {
        unsigned char c = in->field[0][i];
        if (c < '0' || c > '9')
            return -1;
        code = code * 10 + (c - '0');
    }
    if (!allowed_result(code))
        return -1;
    *result = (int)code;
    if (in->count == 2) {
        size_t n = in->field_length[1];
        if (*result != PAM_SUCCESS || n == 0 || n > SSPR_REPLY_MAX || memchr(in->field[1], 0, n) != NULL)
            return -1;
        char token[SSPR_REPLY_MAX + 1];
        memcpy(token, in->field[1], n);
        token[n] = '\0';
        int rc = pam_set_item(pamh, PAM_AUTHTOK, token);
        explicit_bzero(token, sizeof token);
        if (rc != PAM_SUCCESS)
            return -1;
    }
    return 0;
}

int sspr_relay(pam_handle_t *pamh, int flags, const struct sspr_options *options, const char *hook)
{
    struct relay_buffers *b = calloc(1, sizeof *b);
    if (b == NULL)
        return PAM_IGNORE;
    struct sspr_helper helper;
    if (sspr_helper_start(pamh, options, &helper) != 0) {
        free(b);
        return PAM_IGNORE;
    }
    int result = PAM_IGNORE, spoke = 0, done = 0, broken = 0;
    if (send_start(helper.fd, pamh, flags, options, hook, &b->out) != 0)
        broken = 1;
    for (unsigned int round = 0; !broken && !done; round++) {
        if (round >= SSPR_ROUNDS_MAX || sspr_frame_receive(helper.fd, &b->in, options->timeout) != 0) {
            broken = 1;
        } else if (b->in.kind == 'C') {
            spoke = 1;
            broken = converse_round(pamh, options, helper.fd, b) != 0;
        } else if (b->in.kind == 'D') {
            broken = take_result(pamh, &b->in, &result) != 0;
            done = !broken;
        } else {
            broken = 1;
        }
        sspr_frame_wipe(&b->in);
    }
    /* The helper exits right after its result: nothing more may come, and its end must close in time. */
    if (done && helper.pid > 0 && sspr_wait_closed(helper.fd, options->timeout) != 0)
        broken = 1;
    explicit_bzero(b, sizeof *b);
    free(b);
    int clean = sspr_helper_finish(&helper, broken);
    if (!broken && clean)
        return result;
    if (done && result == PAM_SUCCESS)
        pam_set_item(pamh, PAM_AUTHTOK, NULL);
    pam_syslog(pamh, LOG_ERR, "reset helper %s; reset ended",
               broken ? "sent something malformed, stopped answering or went away" : "did not exit cleanly");
    /* A helper that failed before saying a word stays out of the way; after that, fail closed. */
    return spoke ? PAM_AUTH_ERR : PAM_IGNORE;
}
