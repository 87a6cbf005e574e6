/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* The module's own arguments. Every argument is forwarded to the helper unchanged: the helper owns the policy
 * keys and reports bad ones; the module reads only what it needs before the helper runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sspr_module.h"

static const char *value_of(const char *argument, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argument, name, n) == 0 && argument[n] == '=')
        return argument + n + 1;
    return NULL;
}

/* Absolute, without "..": the same rule the helper applies to root= and config=. */
static int plain_absolute(const char *path)
{
    if (path == NULL || path[0] != '/')
        return 0;
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2) {
        int starts = p == path || p[-1] == '/';
        int ends = p[2] == '\0' || p[2] == '/';
        if (starts && ends)
            return 0;
    }
    return 1;
}

void sspr_options_parse(struct sspr_options *options, int argc, const char **argv)
{
    memset(options, 0, sizeof *options);
    options->helper = SSPR_DEFAULT_HELPER;
    options->timeout = SSPR_DEFAULT_TIMEOUT;
    options->argc = argc > SSPR_ARGS_MAX ? SSPR_ARGS_MAX : (argc < 0 ? 0 : argc);
    options->argv = argv;
    for (int i = 0; i < options->argc; i++) {
        const char *a = argv[i], *v;
        if (a == NULL)
            continue;
        if ((v = value_of(a, "helper")) != NULL && plain_absolute(v))
            options->helper = v;
        else if ((v = value_of(a, "socket")) != NULL && plain_absolute(v))
            options->socket = v;
        else if ((v = value_of(a, "root")) != NULL && plain_absolute(v))
            options->root = v;
        else if ((v = value_of(a, "config")) != NULL && plain_absolute(v))
            options->config = v;
        else if ((v = value_of(a, "helper_timeout")) != NULL) {
            char *end = NULL;
            long seconds = strtol(v, &end, 10);
            if (end != v && *end == '\0' && seconds >= 1 && seconds <= 3600)
                options->timeout = (int)seconds;
        } else if (strcmp(a, "debug") == 0)
            options->debug = 1;
    }
}

int sspr_path_under_root(char *out, size_t size, const char *root, const char *path)
{
    int n = snprintf(out, size, "%s%s", root != NULL ? root : "", path);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int sspr_plausible_user(const char *user)
{
    /* The engine's rule (isPlausibleUserName): 1..256 bytes, no controls, space, ':', '/' or ',', not "." or
     * "..", not starting with '-'. Such a name is also a safe single path component. */
    if (user == NULL || user[0] == '\0' || user[0] == '-' || strcmp(user, ".") == 0 || strcmp(user, "..") == 0)
        return 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)user; *p; p++, n++) {
        if (n >= 256 || *p <= 0x20 || *p == 0x7f || *p == ':' || *p == '/' || *p == ',')
            return 0;
    }
    return 1;
}

const char *sspr_log_text(char out[SSPR_LOG_TEXT_SIZE], const char *text)
{
    /* A path in a log line must not forge lines, colours or terminal commands for whoever reads the log, nor
     * fill it: escape what is not printable ASCII (and the escape character itself), and keep it short. */
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
    size_t n = 0;
    for (; *p != '\0'; p++) {
        int plain = *p >= 0x20 && *p < 0x7f && *p != '\\';
        if (n + (plain ? 1 : 4) > SSPR_LOG_SHOWN)
            break;
        if (plain) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    if (*p != '\0')
        memcpy(out + n, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6"); /* U+2026: there was more */
    else
        out[n] = '\0';
    return out;
}
