/// Every file sspr reads or writes, under an optional sandbox root (module `root=DIR`, `--root DIR`).
/// With a root, accounts and groups also come from the root's files instead of NSS (see `AccountDirectory`).
public struct SystemPaths: Equatable, Sendable {
    /// "" for the real system, else an absolute directory without a trailing slash.
    public let root: String

    public init(root: String? = nil) {
        var r = root ?? ""
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r == "/" ? "" : r
    }

    public var isSandboxed: Bool { !root.isEmpty }

    /// `absolute` (a path on a real system) under the root.
    public func path(_ absolute: String) -> String { root + absolute }

    public var policy: String { path("/etc/security/sspr.conf") }
    public var questions: String { path("/etc/security/sspr-questions.conf") }
    public var defaultStore: String { path("/var/lib/sspr/sspr.db") }
    public var shadow: String { path("/etc/shadow") }
    public var passwd: String { path("/etc/passwd") }
    public var group: String { path("/etc/group") }
    public var loginDefs: String { path("/etc/login.defs") }
    /// The system's time zone (TZif), for the times in notices.
    public var localtime: String { path("/etc/localtime") }
    public var opasswd: String { path("/etc/security/opasswd") }
    public var pwquality: String { path("/etc/security/pwquality.conf") }
    public var faillockDirectory: String { path("/var/run/faillock") }
    public var passwordLock: String { path("/etc/.pwd.lock") }
    public var socket: String { path("/run/sspr/ssprd.sock") }
}
