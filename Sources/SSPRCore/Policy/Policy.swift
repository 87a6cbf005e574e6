// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Who may reset, with which methods, and under which limits (SPEC section 3). Values are always valid: the
/// loader refuses out-of-range values instead of clamping them, so a `Policy` never holds a surprise.
public struct Policy: Equatable, Sendable {
    public enum Enabled: Equatable, Sendable {
        case all
        case none
        case group(String)
    }

    public enum OnSuccess: String, Equatable, Sendable {
        case login
        case relogin
    }

    /// What a reset does with a login keyring or wallet locked with the old password (`HomeSecrets`).
    public enum Keyring: String, Equatable, Sendable {
        /// Renamed aside with the date, so the desktop makes a new one with the new password.
        case move
        /// Left alone: the desktop keeps asking for the old password to open it.
        case keep
    }

    /// What a reset does when the home is encrypted with the old password (eCryptfs, fscrypt login protector).
    public enum EncryptedHome: String, Equatable, Sendable {
        /// No reset: the files would become unreadable.
        case refuse
        /// Say so and reset only when the user types yes.
        case warn
    }

    /// Where a reset writes the new password (`password_store`).
    public enum PasswordStore: String, Equatable, Sendable {
        /// /etc/shadow, hashed with libcrypt (`ShadowPasswordChange`).
        case shadow
        /// An LDAP directory, through the Password Modify extended operation (`DirectoryConnection`).
        case ldap
    }

    public var enabled: Enabled = .all
    /// E-mail and SMS are opt-in: each needs a sender that works on this machine (`sspr admin check
    /// --send-test`), so the default lists only the methods that work everywhere.
    public var methods: [MethodKind] = [.totp, .questions, .recoveryCode, .tap]
    public var methodsRequired = 1
    /// The sudo groups and the groups whose members are root in all but name (docker, lxd, disk, libvirt).
    public var adminGroups = ["sudo", "wheel", "admin", "docker", "lxd", "disk", "libvirt"]
    public var questionsToRegister = 3
    public var questionsToReset = 3
    public var requireRegistration = false
    public var reconfirmDays = 180
    /// Display managers, console login, sshd, and the screen lockers that run PAM as the user (their PAM service
    /// names as Debian ships them); lockers reach the reset through the root reset socket (`lock_screen`).
    public var services = ["login", "gdm-password", "lightdm", "sddm", "xdm", "sshd",
                           "kde", "xscreensaver", "swaylock", "i3lock", "xfce4-screensaver", "mate-screensaver",
                           "cinnamon-screensaver", "hyprlock"]
    public var allowRemote = false
    /// Offer the reset to callers that are not root (screen lockers), for their own account only.
    public var lockScreen = true
    /// Services that always involve a network, whatever PAM_RHOST says (see `resetIsLocal`).
    public var remoteServices = ["sshd"]
    /// Whether uid 0 may be reset at all; when it may, root always gets the admin gates.
    public var allowRoot = false
    public var onSuccess: OnSuccess = .login
    public var maxFailures = 5
    /// Seconds.
    public var failureWindow: Int64 = 24 * 3600
    /// Seconds.
    public var lockout: Int64 = 24 * 3600
    /// Seconds.
    public var codeTTL: Int64 = 300
    public var maxCodes = 5
    public var remember = 5
    public var mailCommand = "/usr/sbin/sendmail -t -i"
    public var smsCommand: String? = nil
    public var notifyUser = true
    public var notifyAdmins = true
    public var adminMail = "root"
    /// The From: of every message sspr sends (never taken from a user, a host lookup or PAM_RHOST).
    public var mailFrom = "root"
    /// How messages and authenticator entries name this machine ("lab-07"). Default: the kernel's host name
    /// (gethostname, never DNS), so three lab machines make three entries a user can tell apart.
    public var hostLabel = HostName.current() ?? "this computer"
    public var helpdesk: String? = nil
    public var keyring: Keyring = .move
    public var encryptedHome: EncryptedHome = .refuse
    /// Absolute path as written in the policy (the sandbox root is applied by `SystemPaths`-aware callers), or
    /// a PostgreSQL connection URI for a store shared by a fleet.
    public var store = "/var/lib/sspr/sspr.db"
    /// Seconds a PostgreSQL store may take to connect and to answer each statement before the reset says
    /// "not available right now" (a frozen server must not hold a login).
    public var storeTimeout: Int64 = 3
    /// Audit records older than this many days are pruned; 0 keeps them all.
    public var auditDays = 400
    public var passwordStore: PasswordStore = .shadow
    /// The directory's address and the reset account, for `password_store = ldap` (the `ldap_*` keys).
    public var ldap = DirectorySettings()

    public init() {}

    /// A listed method, except SMS without `sms_command`: with no sender it could never deliver a code, so it
    /// is neither offered nor registrable (`sspr admin check` reports the missing sender).
    public func allows(_ method: MethodKind) -> Bool {
        methods.contains(method) && (method != .sms || smsCommand != nil)
    }
}
