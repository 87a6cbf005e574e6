/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/*
 * The PAM entry points of pam_sspr.so (SPEC 5). Only these six symbols are exported (pam/pam_sspr.map).
 *
 * authenticate  runs only after the password failed: with a conversation and without PAM_SILENT it hands the
 *               request to the reset helper and returns what the helper decided (PAM_IGNORE when the helper
 *               cannot run: a normal password login is never in its way).
 * open_session  the registration reminder: starts the helper only when the cache says something may be due,
 *               and never fails the session.
 * the rest      PAM_IGNORE.
 */
#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION
#define PAM_SM_PASSWORD
#include <unistd.h>
#include <security/pam_modules.h>
#include "sspr_module.h"

/* Everything is built with -fvisibility=hidden; only the entry points are visible (and the export map keeps it so). */
#define SSPR_ENTRY PAM_EXTERN __attribute__((visibility("default"))) int

static int has_conversation(pam_handle_t *pamh)
{
    const struct pam_conv *conv = NULL;
    return pam_get_item(pamh, PAM_CONV, (const void **)&conv) == PAM_SUCCESS && conv != NULL && conv->conv != NULL;
}

SSPR_ENTRY pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    if ((flags & PAM_SILENT) || !has_conversation(pamh))
        return PAM_IGNORE;
    struct sspr_options options;
    sspr_options_parse(&options, argc, argv);
    return sspr_relay(pamh, flags, &options, "auth");
}

SSPR_ENTRY pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    const void *user = NULL;
    /* Only root can read the cache or start the helper; a reminder is advice, never a reason to fail. */
    if ((flags & PAM_SILENT) || geteuid() != 0 || !has_conversation(pamh))
        return PAM_SUCCESS;
    if (pam_get_item(pamh, PAM_USER, &user) != PAM_SUCCESS || !sspr_plausible_user(user))
        return PAM_SUCCESS;
    struct sspr_options options;
    sspr_options_parse(&options, argc, argv);
    if (sspr_session_due(&options, user, options.argc, options.argv))
        (void)sspr_relay(pamh, flags, &options, "session");
    return PAM_SUCCESS;
}

SSPR_ENTRY pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_IGNORE;
}

SSPR_ENTRY pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_IGNORE;
}

SSPR_ENTRY pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_IGNORE;
}

SSPR_ENTRY pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_IGNORE;
}
