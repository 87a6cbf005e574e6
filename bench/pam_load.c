/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * pam_load: what pam_sspr.so costs a PAM application in a fresh process (block 2 of `make bench`).
 *
 *   pam_load CONFDIR RUNS LABEL BASELINE_SERVICE MODULE_SERVICE OP USER EXPECT [LABEL ... ]
 *
 * OP is auth (pam_authenticate) or session (pam_open_session); EXPECT the PAM code both stacks must return.
 * Each run forks and execs this program again as a child that does pam_start_confdir + OP + pam_end for one
 * service and exits 0 when the result is EXPECT. The parent times fork/exec/wait with CLOCK_MONOTONIC.
 * Runs of the two services are interleaved (ABBA...), so drift from other load on the machine hits both
 * alike; the extra cost is reported both as the difference of medians and as the median of paired
 * differences. It prints figures; it never fails on them (only on a PAM error).
 */
#define _GNU_SOURCE
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int no_conversation(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    (void)n; (void)msg; (void)resp; (void)data;
    return PAM_CONV_ERR;
}

static int child(const char *confdir, const char *service, const char *op, const char *user, int expect)
{
    struct pam_conv conv = { no_conversation, NULL };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(service, user, &conv, confdir, &pamh);
    if (rc != PAM_SUCCESS) return 10;
    rc = strcmp(op, "session") == 0 ? pam_open_session(pamh, 0) : pam_authenticate(pamh, 0);
    pam_end(pamh, rc);
    return rc == expect ? 0 : 11;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double run_once(const char *self, const char *confdir, const char *service, const char *op, const char *user,
                       const char *expect)
{
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        execl(self, self, "--child", confdir, service, op, user, expect, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {}
    double elapsed = now_ms() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pam_load: service %s: child exited with status %d (10: pam_start, 11: not the expected result)\n",
                service, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        exit(2);
    }
    return elapsed;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct stats { double median, p90, min, max; };

static struct stats summarise(const double *values, int n)
{
    double *s = malloc(sizeof *s * (size_t)n);
    memcpy(s, values, sizeof *s * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp);
    struct stats r;
    r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    int rank = (int)(0.9 * n + 0.999999);
    r.p90 = s[(rank < 1 ? 1 : rank > n ? n : rank) - 1];
    r.min = s[0];
    r.max = s[n - 1];
    free(s);
    return r;
}

static void row(const char *what, struct stats s, int n, const char *target)
{
    printf("  %-52s %8.3f ms %8.3f ms  %7.3f ms..%.3f ms %5d  %s\n", what, s.median, s.p90, s.min, s.max, n, target);
}

/* One comparison: runs of both stacks interleaved (ABBA...), so drift on the machine hits both alike. */
static void compare(const char *self, const char *confdir, int runs, const char *label, const char *base,
                    const char *mod, const char *op, const char *user, const char *expect, const char *target)
{
    for (int i = 0; i < 20; i++) {  /* warm-up */
        run_once(self, confdir, base, op, user, expect);
        run_once(self, confdir, mod, op, user, expect);
    }
    double *a = malloc(sizeof *a * (size_t)runs), *b = malloc(sizeof *b * (size_t)runs), *d = malloc(sizeof *d * (size_t)runs);
    for (int i = 0; i < runs; i++) {
        if (i % 2 == 0) { a[i] = run_once(self, confdir, base, op, user, expect); b[i] = run_once(self, confdir, mod, op, user, expect); }
        else { b[i] = run_once(self, confdir, mod, op, user, expect); a[i] = run_once(self, confdir, base, op, user, expect); }
        d[i] = b[i] - a[i];
    }
    struct stats sa = summarise(a, runs), sb = summarise(b, runs), sd = summarise(d, runs);
    printf("  %s\n", label);
    row("  stack without pam_sspr", sa, runs, "-");
    row("  the same stack with pam_sspr", sb, runs, "-");
    row("  extra: median of paired differences", sd, runs, target);
    printf("  %-52s %8.2f x\n", "  ratio of medians", sb.median / sa.median);
    fflush(stdout);
    free(a); free(b); free(d);
}

int main(int argc, char **argv)
{
    if (argc == 7 && !strcmp(argv[1], "--child")) return child(argv[2], argv[3], argv[4], argv[5], atoi(argv[6]));
    if (argc < 10 || (argc - 3) % 7 != 0) {
        fprintf(stderr, "usage: pam_load CONFDIR RUNS LABEL BASE_SERVICE MODULE_SERVICE OP USER EXPECT TARGET [...]\n");
        return 2;
    }
    const char *self = "/proc/self/exe";
    char path[4096];
    ssize_t len = readlink(self, path, sizeof path - 1);
    if (len > 0) { path[len] = 0; self = path; }
    int runs = atoi(argv[2]);
    if (runs < 3) runs = 3;
    printf("\n== 2. What pam_sspr.so costs a PAM application: fresh process, pam_start_confdir + the call + pam_end\n");
    printf("  %-52s %11s %11s  %20s %5s  %s\n", "what", "median", "p90", "min..max", "N", "target");
    printf("  ----------------------------------------------------------------------------------------------------------------\n");
    for (int i = 3; i + 6 < argc; i += 7)
        compare(self, argv[1], runs, argv[i], argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4], argv[i + 5], argv[i + 6]);
    return 0;
}
