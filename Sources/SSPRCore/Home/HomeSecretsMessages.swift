/// The words said before "New password:" about what the reset will cost (SPEC section 5, "Before step 5").
/// Plain words for a person at a login screen: what happens, and what they can still do about it.
public enum HomeSecretsMessages {
    public static let confirm = "Continue? Type yes to reset anyway: "

    public static func keyringMoved(_ keyring: HomeSecrets.KeyringFile, date: String) -> [String] {
        let aside = (["~"] + keyring.directory + [KeyringMove.asideName(keyring.file, date: date, attempt: 1)]).joined(separator: "/")
        return ["Your \(keyring.kind.rawValue) (\(keyring.displayPath)) keeps saved passwords locked with your old password.",
                "It will be set aside as \(aside), and a new, empty one is made with your new password.",
                "The saved passwords in the old one open again only with your old password."]
    }

    /// After the reset: where the old one is now.
    public static func keptAside(_ moved: KeyringMove.Moved) -> String {
        "Your old \(moved.kind.rawValue) is kept as \(moved.displayPath)."
    }

    public static func keyringKept(_ keyring: HomeSecrets.KeyringFile) -> [String] {
        ["Your \(keyring.kind.rawValue) (\(keyring.displayPath)) keeps saved passwords locked with your old password.",
         "It stays locked with the old password: after the reset its saved passwords open only with the old password."]
    }

    public static func encryptedHomeRefused(_ kinds: [HomeSecrets.EncryptedHome]) -> [String] {
        ["Your home folder is encrypted with your current password (\(names(kinds))).",
         "A reset would make your files unreadable, so the password cannot be reset here."]
    }

    public static func encryptedHomeWarning(_ kinds: [HomeSecrets.EncryptedHome]) -> [String] {
        ["Your home folder is encrypted with your current password (\(names(kinds))).",
         "After a reset your files cannot be opened with the new password: they stay unreadable unless you",
         "remember the old password or have your recovery passphrase."]
    }

    public static func homed(_ user: String) -> [String] {
        ["This account is managed by systemd-homed: its password cannot be reset here.",
         "Use your recovery key instead: homectl passwd \(user)"]
    }

    private static func names(_ kinds: [HomeSecrets.EncryptedHome]) -> String {
        kinds.map(\.rawValue).joined(separator: ", ")
    }
}
