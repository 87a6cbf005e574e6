/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * demo_login: one login through the real libpam with a real terminal conversation (libpam_misc's misc_conv),
 * using a private service directory, so `make demo` can show a password reset without touching the host.
 *
 *   demo_login CONFDIR SERVICE USER
 *
 * Exit status: 0 when pam_authenticate succeeded, 1 when it did not, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <security/pam_appl.h>
#include <security/pam_misc.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: demo_login CONFDIR SERVICE USER\n");
        return 2;
    }
    struct pam_conv conv = { misc_conv, NULL };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "demo_login: pam_start_confdir: %s\n", pam_strerror(NULL, rc));
        return 2;
    }
    pam_set_item(pamh, PAM_TTY, "demo");
    printf("login: %s\n", argv[3]);
    fflush(stdout);
    rc = pam_authenticate(pamh, 0);
    if (rc == PAM_SUCCESS) {
        printf("\n>>> Login succeeded (pam_authenticate: %s).\n", pam_strerror(pamh, rc));
    } else {
        printf("\n>>> Login failed (pam_authenticate: %s).\n", pam_strerror(pamh, rc));
    }
    pam_end(pamh, rc);
    return rc == PAM_SUCCESS ? 0 : 1;
}
