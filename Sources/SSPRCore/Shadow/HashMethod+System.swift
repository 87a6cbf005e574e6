import SSPRSystem

extension HashMethod {
    /// The method and cost for a new password: what `passwd` would write on this system (SPEC 3).
    ///
    /// When the PAM password stack has pam_unix, pam_unix's choice: its options, with login.defs as its preset
    /// (see `PamUnixHashOptions`). Without pam_unix in the stack, login.defs as shadow-utils reads it. When
    /// neither names a method, libcrypt's preferred one. Throws when a file exists but cannot be read: guessing
    /// could write a weaker hash than the administrator chose.
    public static func forNewPassword(paths: SystemPaths) throws(SystemError) -> HashMethod {
        let loginDefs = try LoginDefs.load(paths: paths)
        if let pamUnix = try PAMPasswordStack.load(paths: paths).pamUnix {
            return PamUnixHashOptions(arguments: pamUnix.arguments).hashMethod(loginDefs: loginDefs) ?? .libcryptDefault
        }
        return loginDefs.hashMethod
    }
}
