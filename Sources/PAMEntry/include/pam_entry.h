#ifndef SSPR_PAM_ENTRY_H
#define SSPR_PAM_ENTRY_H

/* Which libpam hook is running; passed to the Swift side so one function serves all six. */
enum sspr_pam_hook {
    SSPR_HOOK_AUTHENTICATE = 1,
    SSPR_HOOK_SETCRED = 2,
    SSPR_HOOK_ACCT_MGMT = 3,
    SSPR_HOOK_OPEN_SESSION = 4,
    SSPR_HOOK_CLOSE_SESSION = 5,
    SSPR_HOOK_CHAUTHTOK = 6,
};

/* Implemented in Swift (PAMModule/ModuleEntry.swift). The handle and argv are passed as opaque pointers;
 * SSPRSystem turns them into safe types. */
int sspr_module_dispatch(int hook, void *pamh, int flags, int argc, const char **argv);

#endif
