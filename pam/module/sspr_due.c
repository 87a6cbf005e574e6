/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* The session reminder's cache. A session for a user with nothing due must cost nothing: the helper writes a
 * small root-only file per user (SSPR_DUE_DIR/USER: "v1 <due epoch seconds> <argument hash>") after it found
 * nothing to say, and the module starts the helper again only when that time has come, the policy file is
 * newer than the cache, or the module's arguments changed. Any doubt means "run the helper". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sspr_module.h"

/* FNV-1a 64 over every argument and its terminating NUL; the helper (SessionDueCache.swift) computes the same. */
static unsigned long long argument_hash(int argc, const char **argv)
{
    unsigned long long h = 0xcbf29ce484222325ull;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i] != NULL ? argv[i] : "";
        for (const unsigned char *p = (const unsigned char *)a;; p++) {
            h ^= *p;
            h *= 0x100000001b3ull;
            if (*p == '\0')
                break;
        }
    }
    return h;
}

static int newer(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

int sspr_session_due(const struct sspr_options *options, const char *user, int argc, const char **argv)
{
    char path[4096], policy[4096], text[96];
    if (sspr_path_under_root(path, sizeof path, options->root, SSPR_DUE_DIR) != 0 ||
        strlen(path) + 1 + strlen(user) >= sizeof path)
        return 1;
    strcat(path, "/");
    strcat(path, user);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 1;
    struct stat cache;
    ssize_t n = -1;
    if (fstat(fd, &cache) == 0 && S_ISREG(cache.st_mode) && cache.st_uid == 0 && !(cache.st_mode & 022))
        n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return 1;
    text[n] = '\0';
    long long due = 0;
    unsigned long long hash = 0;
    char tail = 0;
    if (sscanf(text, "v1 %lld %16llx%c", &due, &hash, &tail) != 3 || tail != '\n')
        return 1;
    if (hash != argument_hash(argc, argv) || (long long)time(NULL) >= due)
        return 1;
    const char *policy_path = options->config;
    if (policy_path == NULL) {
        if (sspr_path_under_root(policy, sizeof policy, options->root, SSPR_DEFAULT_POLICY) != 0)
            return 1;
        policy_path = policy;
    }
    struct stat st;
    if (stat(policy_path, &st) == 0 && newer(&st.st_mtim, &cache.st_mtim))
        return 1;
    return 0;
}
