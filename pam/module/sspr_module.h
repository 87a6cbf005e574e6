/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * pam_sspr.so: the small C client of the reset helper (docs/reset-protocol.md).
 *
 * The module never sees SQL, hashes or proofs: it starts the helper (or, for a caller that is not root, connects
 * to the root reset socket), hands it the PAM items and module arguments, relays the conversation and takes
 * the PAM result back. It links libpam and libc only, starts no threads, and installs no signal handler in the
 * application nor changes its signal dispositions (docs/reset-protocol.md, "Transport").
 */
#ifndef SSPR_MODULE_H
#define SSPR_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <security/pam_modules.h>

#define SSPR_PROTOCOL_NAME "sspr-reset/1"
#define SSPR_DEFAULT_HELPER "/usr/libexec/sspr/sspr-reset"
#define SSPR_DEFAULT_SOCKET "/run/sspr/reset.sock"
#define SSPR_DUE_DIR "/var/lib/sspr/due"
#define SSPR_DEFAULT_POLICY "/etc/security/sspr.conf"

/* Protocol bounds (docs/reset-protocol.md, "Limits"). */
#define SSPR_FRAME_MAX 65536u   /* kind byte + fields */
#define SSPR_FIELDS_MAX 72u
#define SSPR_MESSAGES_MAX 32u   /* per conversation round, libpam's PAM_MAX_NUM_MSG */
#define SSPR_TEXT_MAX 1024u     /* one message text from the helper */
#define SSPR_REPLY_MAX 512u     /* one reply from the application; longer is a conversation failure */
#define SSPR_ROUNDS_MAX 256u    /* conversation rounds in one reset */
#define SSPR_ARGS_MAX 48        /* module arguments forwarded */
#define SSPR_DEFAULT_TIMEOUT 60 /* seconds to wait for the helper's next message */
#define SSPR_LOG_SHOWN 128      /* bytes of a caller-chosen string shown in one log line */
#define SSPR_LOG_TEXT_SIZE (SSPR_LOG_SHOWN + sizeof "\xe2\x80\xa6")

/* The module's own arguments; every argument is also forwarded to the helper, which owns the policy keys. */
struct sspr_options {
    const char *helper;
    const char *socket;
    const char *root;
    const char *config;
    int timeout;
    int debug;
    int argc;
    const char **argv;
};

void sspr_options_parse(struct sspr_options *options, int argc, const char **argv);

/* A growing byte buffer for one outgoing frame. `failed` latches any overflow. */
struct sspr_frame_out {
    unsigned char data[SSPR_FRAME_MAX + 4];
    size_t length;
    unsigned int fields;
    int failed;
};

void sspr_frame_begin(struct sspr_frame_out *frame, char kind);
void sspr_frame_field(struct sspr_frame_out *frame, const void *bytes, size_t length);
void sspr_frame_string(struct sspr_frame_out *frame, const char *text);
/* Writes the frame (all of it, MSG_NOSIGNAL) and wipes the buffer; 0 or -1. */
int sspr_frame_send(int fd, struct sspr_frame_out *frame, int timeout_seconds);

/* One frame read from the helper, decoded into bounded fields pointing into `data`. */
struct sspr_frame_in {
    unsigned char data[SSPR_FRAME_MAX];
    size_t length;
    char kind;
    unsigned int count;
    const unsigned char *field[SSPR_FIELDS_MAX];
    size_t field_length[SSPR_FIELDS_MAX];
};

/* Reads and decodes one frame within `timeout_seconds`. 0 on success; -1 on EOF, timeout, I/O error or any
 * malformed byte (the caller ends the reset). */
int sspr_frame_receive(int fd, struct sspr_frame_in *frame, int timeout_seconds);
void sspr_frame_wipe(struct sspr_frame_in *frame);
/* 0 when the peer closes its end (EOF) within the time; -1 when it sends more or stays open. */
int sspr_wait_closed(int fd, int timeout_seconds);
/* CLOCK_MONOTONIC in milliseconds, and a poll for `events` until such a deadline: 1 ready, 0 timeout or error. */
long long sspr_now_ms(void);
int sspr_wait_for(int fd, short events, long long deadline);

/* A running helper: the module's end of the socket and, when the module started it, the pid of its child. */
struct sspr_helper {
    int fd;
    pid_t pid; /* 0 when connected to the reset socket */
};

/* Starts the helper as a clean root process, or connects to the reset socket when the caller is not root.
 * Returns 0, or -1 after logging why (the module then stays out of the way). */
int sspr_helper_start(pam_handle_t *pamh, const struct sspr_options *options, struct sspr_helper *helper);
/* Closes the socket, reaps the child (killing it and the helper if `kill_it`); returns 1 when the helper exited
 * with status 0. */
int sspr_helper_finish(struct sspr_helper *helper, int kill_it);

/* Runs one request ("auth" or "session") through the helper; returns the PAM code to hand back. */
int sspr_relay(pam_handle_t *pamh, int flags, const struct sspr_options *options, const char *hook);

/* Session hook: 1 when the helper must run for `user` (a reminder may be due), 0 when the cache says not. */
int sspr_session_due(const struct sspr_options *options, const char *user, int argc, const char **argv);

/* A user name the helper would accept at all (shadow-utils' rules, 32 bytes); keeps odd names off paths. */
int sspr_plausible_user(const char *user);

/* A string the caller may choose (a path from the module arguments) as it may appear in a log line: bytes outside
 * printable ASCII, and the backslash, as \xNN; at most SSPR_LOG_SHOWN bytes of that, then an ellipsis (U+2026).
 * Returns `out`. */
const char *sspr_log_text(char out[SSPR_LOG_TEXT_SIZE], const char *text);

/* Joins the sandbox root and a fixed path into `out`; 0, or -1 when it does not fit. */
int sspr_path_under_root(char *out, size_t size, const char *root, const char *path);

#endif
