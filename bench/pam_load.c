/*
 * pam_load: the cost of loading pam_sspr.so in a fresh process (block 2 of `make bench`).
 *
 *   pam_load CONFDIR RUNS BASELINE_SERVICE MODULE_SERVICE
 *
 * Each run forks and execs this program again as a child that does pam_start_confdir + pam_authenticate +
 * pam_end for one service and exits 0 on PAM_SUCCESS. The parent times fork/exec/wait with CLOCK_MONOTONIC.
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

static int child(const char *confdir, const char *service)
{
    struct pam_conv conv = { no_conversation, NULL };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(service, "alice", &conv, confdir, &pamh);
    if (rc != PAM_SUCCESS) return 10;
    rc = pam_authenticate(pamh, 0);
    pam_end(pamh, rc);
    return rc == PAM_SUCCESS ? 0 : 11;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double run_once(const char *self, const char *confdir, const char *service)
{
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        execl(self, self, "--child", confdir, service, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {}
    double elapsed = now_ms() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pam_load: service %s: child exited with status %d (10: pam_start, 11: not PAM_SUCCESS)\n",
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
    printf("  %-46s %8.3f ms %8.3f ms  %7.3f ms..%.3f ms %5d  %s\n", what, s.median, s.p90, s.min, s.max, n, target);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--child")) return child(argv[2], argv[3]);
    if (argc != 5) {
        fprintf(stderr, "usage: pam_load CONFDIR RUNS BASELINE_SERVICE MODULE_SERVICE\n");
        return 2;
    }
    const char *self = "/proc/self/exe";
    char path[4096];
    ssize_t len = readlink(self, path, sizeof path - 1);
    if (len > 0) { path[len] = 0; self = path; }
    const char *confdir = argv[1], *base = argv[3], *mod = argv[4];
    int runs = atoi(argv[2]);
    if (runs < 3) runs = 3;

    for (int i = 0; i < 20; i++) { run_once(self, confdir, base); run_once(self, confdir, mod); }  /* warm-up */
    double *a = malloc(sizeof *a * (size_t)runs), *b = malloc(sizeof *b * (size_t)runs), *d = malloc(sizeof *d * (size_t)runs);
    for (int i = 0; i < runs; i++) {
        if (i % 2 == 0) { a[i] = run_once(self, confdir, base); b[i] = run_once(self, confdir, mod); }
        else { b[i] = run_once(self, confdir, mod); a[i] = run_once(self, confdir, base); }
        d[i] = b[i] - a[i];
    }
    struct stats sa = summarise(a, runs), sb = summarise(b, runs), sd = summarise(d, runs);
    printf("\n== 2. Module load cost in a fresh process: pam_start_confdir + pam_authenticate + pam_end (fork/exec/wait timed)\n");
    printf("  %-46s %11s %11s  %20s %5s  %s\n", "what", "median", "p90", "min..max", "N", "target");
    printf("  ------------------------------------------------------------------------------------------------------------\n");
    row("stack: pam_permit alone", sa, runs, "-");
    row("stack: pam_sspr (returns PAM_IGNORE) + permit", sb, runs, "-");
    row("extra: paired difference (module - permit)", sd, runs, "< 1 ms");
    printf("  %-46s %8.3f ms %11s  %20s %5d  %s\n", "extra: difference of medians", sb.median - sa.median, "", "", runs, "< 1 ms");
    printf("  %-46s %8.2f x  %11s  %20s %5d  %s\n", "ratio of medians (module / permit)", sb.median / sa.median, "", "", runs, "report");
    printf("  note: the module's service is not in the policy's services, so it returns PAM_IGNORE after reading the policy;\n"
           "        the cost is dlopen (Swift runtime linked in statically, -z now relocations) + that early return + pam_end\n");
    fflush(stdout);
    free(a); free(b); free(d);
    return 0;
}
