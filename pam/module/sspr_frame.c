/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* Frames of the reset protocol (docs/reset-protocol.md):
 *   frame = length:u32be  kind:u8  field*     length = 1 + size of the fields, 1 .. 65536
 *   field = length:u16be  bytes
 * Both directions are bounded and every read and write has a deadline, so neither side can make the other
 * block forever (pam_unix once hung on a large write into its helper's pipe). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "sspr_module.h"

void sspr_frame_begin(struct sspr_frame_out *frame, char kind)
{
    frame->length = 5;
    frame->fields = 0;
    frame->failed = 0;
    frame->data[4] = (unsigned char)kind;
}

void sspr_frame_field(struct sspr_frame_out *frame, const void *bytes, size_t length)
{
    if (frame->failed || length > 0xffff || frame->fields >= SSPR_FIELDS_MAX ||
        frame->length + 2 + length > sizeof frame->data) {
        frame->failed = 1;
        return;
    }
    frame->data[frame->length] = (unsigned char)(length >> 8);
    frame->data[frame->length + 1] = (unsigned char)length;
    if (length > 0)
        memcpy(frame->data + frame->length + 2, bytes, length);
    frame->length += 2 + length;
    frame->fields++;
}

void sspr_frame_string(struct sspr_frame_out *frame, const char *text)
{
    sspr_frame_field(frame, text != NULL ? text : "", text != NULL ? strnlen(text, 4096) : 0);
}

long long sspr_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline; 1 ready, 0 timeout or error. */
int sspr_wait_for(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - sspr_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { .fd = fd, .events = events };
        int rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return 0;
    }
}

int sspr_frame_send(int fd, struct sspr_frame_out *frame, int timeout_seconds)
{
    int rc = -1;
    if (!frame->failed) {
        size_t payload = frame->length - 4;
        frame->data[0] = (unsigned char)(payload >> 24);
        frame->data[1] = (unsigned char)(payload >> 16);
        frame->data[2] = (unsigned char)(payload >> 8);
        frame->data[3] = (unsigned char)payload;
        long long deadline = sspr_now_ms() + (long long)timeout_seconds * 1000;
        size_t done = 0;
        rc = 0;
        while (done < frame->length) {
            if (!sspr_wait_for(fd, POLLOUT, deadline)) { rc = -1; break; }
            /* MSG_NOSIGNAL: a helper that died must not raise SIGPIPE in login or sshd. */
            ssize_t n = send(fd, frame->data + done, frame->length - done, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) { rc = -1; break; }
            done += (size_t)n;
        }
    }
    explicit_bzero(frame->data, frame->length);
    frame->length = 0;
    return rc;
}

static int read_exactly(int fd, unsigned char *out, size_t length, long long deadline)
{
    size_t done = 0;
    while (done < length) {
        if (!sspr_wait_for(fd, POLLIN, deadline))
            return -1;
        ssize_t n = recv(fd, out + done, length - done, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int sspr_frame_receive(int fd, struct sspr_frame_in *frame, int timeout_seconds)
{
    long long deadline = sspr_now_ms() + (long long)timeout_seconds * 1000;
    unsigned char header[4];
    frame->length = 0;
    frame->count = 0;
    if (read_exactly(fd, header, 4, deadline) != 0)
        return -1;
    size_t length = ((size_t)header[0] << 24) | ((size_t)header[1] << 16) | ((size_t)header[2] << 8) | header[3];
    if (length < 1 || length > SSPR_FRAME_MAX)
        return -1;
    if (read_exactly(fd, frame->data, length, deadline) != 0)
        return -1;
    frame->length = length;
    frame->kind = (char)frame->data[0];
    size_t at = 1;
    while (at < length) {
        if (frame->count >= SSPR_FIELDS_MAX || length - at < 2)
            return -1;
        size_t n = ((size_t)frame->data[at] << 8) | frame->data[at + 1];
        at += 2;
        if (n > length - at)
            return -1;
        frame->field[frame->count] = frame->data + at;
        frame->field_length[frame->count] = n;
        frame->count++;
        at += n;
    }
    return 0;
}

void sspr_frame_wipe(struct sspr_frame_in *frame)
{
    explicit_bzero(frame->data, frame->length);
    frame->length = 0;
    frame->count = 0;
}

int sspr_wait_closed(int fd, int timeout_seconds)
{
    long long deadline = sspr_now_ms() + (long long)timeout_seconds * 1000;
    for (;;) {
        if (!sspr_wait_for(fd, POLLIN, deadline))
            return -1;
        unsigned char byte;
        ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT);
        if (n == 0)
            return 0;
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return n < 0 && errno == ECONNRESET ? 0 : -1;
    }
}
