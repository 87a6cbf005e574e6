import SSPRSystem

/// The words said before "New password:" about what the reset will cost (SPEC section 5, "Before step 5").
/// Plain words for a person at a login screen: what happens, and what they can still do about it. Through
/// gettext like the rest of the conversation (ResetMessages); paths and product names are arguments.
public enum HomeSecretsMessages {
    public static var confirm: String { translated("Continue? Type yes to reset anyway: ") }

    public static func keyringMoved(_ keyring: HomeSecrets.KeyringFile, date: String) -> [String] {
        let aside = (["~"] + keyring.directory + [KeyringMove.asideName(keyring.file, date: date, attempt: 1)]).joined(separator: "/")
        return [lockedWithOldPassword(keyring),
                translated("It will be set aside as {path}, and a new, empty one is made with your new password.", ["path": aside]),
                translated("The saved passwords in the old one open again only with your old password.")]
    }

    /// After the reset: where the old one is now.
    public static func keptAside(_ moved: KeyringMove.Moved) -> String {
        translated("Your old {keyring} is kept as {path}.", ["keyring": name(moved.kind), "path": moved.displayPath])
    }

    public static func keyringKept(_ keyring: HomeSecrets.KeyringFile) -> [String] {
        [lockedWithOldPassword(keyring),
         translated("It stays locked with the old password: after the reset its saved passwords open only with the old password.")]
    }

    public static func encryptedHomeRefused(_ kinds: [HomeSecrets.EncryptedHome]) -> [String] {
        [encryptedWithCurrentPassword(kinds),
         translated("A reset would make your files unreadable, so the password cannot be reset here.")]
    }

    public static func encryptedHomeWarning(_ kinds: [HomeSecrets.EncryptedHome]) -> [String] {
        [encryptedWithCurrentPassword(kinds),
         translated("After a reset your files cannot be opened with the new password: they stay unreadable unless you"),
         translated("remember the old password or have your recovery passphrase.")]
    }

    public static func homed(_ user: String) -> [String] {
        [translated("This account is managed by systemd-homed: its password cannot be reset here."),
         translated("Use your recovery key instead: homectl passwd {user}", ["user": user])]
    }

    private static func lockedWithOldPassword(_ keyring: HomeSecrets.KeyringFile) -> String {
        translated("Your {keyring} ({path}) keeps saved passwords locked with your old password.",
                   ["keyring": name(keyring.kind), "path": keyring.displayPath])
    }

    private static func encryptedWithCurrentPassword(_ kinds: [HomeSecrets.EncryptedHome]) -> String {
        translated("Your home folder is encrypted with your current password ({names}).",
                   ["names": kinds.map(\.rawValue).joined(separator: ", ")])
    }

    /// The keyring's kind in the user's language ("GNOME login keyring" is the English, and the audit's, name).
    private static func name(_ kind: HomeSecrets.KeyringFile.Kind) -> String {
        switch kind {
        case .gnome: return translated("GNOME login keyring")
        case .kwallet: return translated("KDE wallet")
        }
    }
}
