import PAMEntry
import SSPRSystem

/// The Swift side of the six `pam_sm_*` entry points (Sources/PAMEntry/pam_entry.c). `@c @implementation`
/// makes the compiler check this signature against the C declaration.
@c @implementation
public func sspr_module_dispatch(_ hook: Int32, _ pamh: UnsafeMutableRawPointer?, _ flags: Int32, _ argc: Int32,
                                 _ argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    guard let handle = PAMHandle(pamh) else { return PAMResult.serviceError }
    let (arguments, invalid) = ModuleArgv.strings(argc: argc, argv: argv)
    switch hook {
    case Int32(SSPR_HOOK_AUTHENTICATE.rawValue):
        return Authenticate(handle: handle, flags: flags, arguments: arguments, invalidArguments: invalid).run()
    case Int32(SSPR_HOOK_OPEN_SESSION.rawValue):
        // The reminder is advice: whatever happens, the session goes ahead.
        SessionReminder(handle: handle, flags: flags, arguments: arguments).run()
        return PAMResult.success
    default:
        // setcred, acct_mgmt, close_session, chauthtok: sspr has nothing to do there.
        return PAMResult.ignore
    }
}
