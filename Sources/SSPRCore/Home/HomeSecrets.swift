/// What the account's old password locks besides the login itself, as found in its home before the new
/// password is asked for (`HomeInspector`). A reset writes a new hash without knowing the old password, so
/// each of these is either set aside, refused, or said out loud before the user commits to it.
public struct HomeSecrets: Equatable, Sendable {
    /// A keyring or wallet file encrypted with the login password, found at `directory`/`file` under the home.
    public struct KeyringFile: Equatable, Sendable {
        public enum Kind: String, Equatable, Sendable {
            case gnome = "GNOME login keyring"
            case kwallet = "KDE wallet"
        }

        public let kind: Kind
        /// Path components below the home directory, each walked without following a symlink.
        public let directory: [String]
        public let file: String
        /// Files that belong with it and move with it (KWallet's `.salt`: a new wallet would overwrite it, and
        /// the old wallet cannot be opened without it).
        public let companions: [String]

        /// "~/.local/share/keyrings/login.keyring", for messages.
        public var displayPath: String { (["~"] + directory + [file]).joined(separator: "/") }
    }

    /// A home whose data is encrypted with a key wrapped by the login password.
    public enum EncryptedHome: String, Equatable, Sendable {
        case ecryptfs = "eCryptfs"
        case fscrypt = "fscrypt"
    }

    public var keyrings: [KeyringFile] = []
    public var encryptedHome: [EncryptedHome] = []
    /// A systemd-homed account: its password lives in the home's own record, not in /etc/shadow.
    public var homed = false
    /// The inspection stopped at its time or entry bound, or on an error: what was not looked at is unknown.
    public var incomplete = false

    public init() {}

    /// True when a reset would cost the user something they should agree to first.
    public var costsSomething: Bool { !keyrings.isEmpty || !encryptedHome.isEmpty || homed }
}
