/*
 * The PAM entry points of pam_sspr.so. Each is one line: hand the call to the Swift side with the hook's
 * name. Only these six symbols are exported (pam/pam_sspr.map); tests check that with dlsym and nm.
 */
#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION
#define PAM_SM_PASSWORD
#include <security/pam_modules.h>
#include "pam_entry.h"

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_AUTHENTICATE, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_SETCRED, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_ACCT_MGMT, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_OPEN_SESSION, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_CLOSE_SESSION, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return sspr_module_dispatch(SSPR_HOOK_CHAUTHTOK, pamh, flags, argc, argv);
}
