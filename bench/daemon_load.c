/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * daemon_load: GetStatus load on ssprd. CLIENTS threads, each with its own connection, send
 * io.sspr.Registration.GetStatus {"user": USER} back to back for SECONDS; prints requests/s and latency
 * percentiles. With HOLD > 0 it instead opens HOLD connections, makes one request on each, and keeps them
 * open until stdin closes (for the RSS-under-load figure).
 *   daemon_load SOCKET USER CLIENTS SECONDS
 *   daemon_load SOCKET USER --hold N
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path;
static char request[512];
static size_t request_len;
static double deadline;
static double *latencies;
static size_t latency_cap, latency_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, sock_path, sizeof a.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    return fd;
}

static int roundtrip(int fd)
{
    if (write(fd, request, request_len) != (ssize_t)request_len) return -1;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return -1;
        if (memchr(buf, 0, (size_t)n)) return strstr(buf, "\"error\"") ? -2 : 0;
    }
}

static void *client(void *arg)
{
    (void)arg;
    int fd = connect_socket();
    if (fd < 0) return NULL;
    double local[4096];
    size_t n = 0;
    while (now() < deadline) {
        double t0 = now();
        if (roundtrip(fd) != 0) break;
        local[n++] = now() - t0;
        if (n == 4096) {
            pthread_mutex_lock(&lock);
            for (size_t i = 0; i < n && latency_count < latency_cap; i++) latencies[latency_count++] = local[i];
            pthread_mutex_unlock(&lock);
            n = 0;
        }
    }
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n && latency_count < latency_cap; i++) latencies[latency_count++] = local[i];
    pthread_mutex_unlock(&lock);
    close(fd);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5) { fprintf(stderr, "usage: daemon_load SOCKET USER CLIENTS SECONDS | SOCKET USER --hold N\n"); return 2; }
    sock_path = argv[1];
    request_len = (size_t)snprintf(request, sizeof request,
        "{\"method\":\"io.sspr.Registration.GetStatus\",\"parameters\":{\"user\":\"%s\"}}", argv[2]) + 1;
    if (!strcmp(argv[3], "--hold")) {
        int n = atoi(argv[4]), ok = 0;
        for (int i = 0; i < n; i++) {
            int fd = connect_socket();
            if (fd >= 0 && roundtrip(fd) == 0) ok++;
        }
        printf("held %d of %d connections\n", ok, n);
        fflush(stdout);
        char c;
        while (read(0, &c, 1) > 0) {}
        return 0;
    }
    int clients = atoi(argv[3]);
    double seconds = atof(argv[4]);
    latency_cap = 50u * 1000 * 1000;
    latencies = malloc(latency_cap * sizeof *latencies);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double start = now();
    deadline = start + seconds;
    for (int i = 0; i < clients; i++) pthread_create(&threads[i], NULL, client, NULL);
    for (int i = 0; i < clients; i++) pthread_join(threads[i], NULL);
    double elapsed = now() - start;
    qsort(latencies, latency_count, sizeof *latencies, cmp);
    double p50 = latency_count ? latencies[latency_count / 2] * 1e3 : 0;
    double p99 = latency_count ? latencies[(size_t)(latency_count * 0.99)] * 1e3 : 0;
    printf("%zu requests in %.1f s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms (%d clients)\n",
           latency_count, elapsed, latency_count / elapsed, p50, p99, clients);
    return 0;
}
