import Glibc
import SSPRSystem

/// `keyring = move`: after the new password is written, each keyring or wallet locked with the old password
/// is renamed aside in its own directory as `NAME.before-reset-DATE` (and `-2`, `-3`… when that exists), so
/// the desktop makes a new one with the new password at the next login, and the old one, untouched and still
/// the user's, opens again with the old password if the user remembers it.
///
/// Guarantees: the walk is redone from the home's descriptor without following a symlink, and the file is
/// re-checked (regular, owned by the account, one link) just before it is renamed, so a home changed since the
/// inspection cannot make it rename anything outside the home or anyone else's file; the rename never replaces
/// an existing name (`DirectoryHandle.renameWithoutReplacing`). Contents, owner and mode are not touched.
public struct KeyringMove {
    /// Tries per file for a free aside name (`…-2` … `…-9`).
    static let nameTries = 9

    public let paths: SystemPaths
    public let account: Account

    public init(paths: SystemPaths, account: Account) {
        self.paths = paths
        self.account = account
    }

    /// "login.keyring.before-reset-2026-11-28" for `date` "2026-11-28", "…-2" for the second try.
    public static func asideName(_ file: String, date: String, attempt: Int) -> String {
        attempt <= 1 ? "\(file).before-reset-\(date)" : "\(file).before-reset-\(date)-\(attempt)"
    }

    /// A keyring set aside: what it is and its new name ("~/.local/share/keyrings/login.keyring.before-reset-…").
    public struct Moved: Equatable, Sendable {
        public let kind: HomeSecrets.KeyringFile.Kind
        public let displayPath: String
    }

    /// Moves every keyring of `secrets` aside; returns what was moved where. Failures are logged and skipped:
    /// the password is already changed, and a keyring left in place only means the desktop asks for the old
    /// password, as without sspr.
    public func moveAside(_ keyrings: [HomeSecrets.KeyringFile], date: String, log: (String) -> Void) -> [Moved] {
        var moved: [Moved] = []
        let home: DirectoryHandle?
        do { home = try HomeInspector(paths: paths, account: account).openHome() } catch {
            log("keyrings of \(account.name) not moved: \(error)")
            return []
        }
        guard let home else { return [] }
        for keyring in keyrings {
            do throws(SystemError) {
                guard let directory = try HomeInspector.keyringFile(keyring, in: home, uid: account.uid) else {
                    log("\(keyring.displayPath) of \(account.name) changed since the check; left as it is")
                    continue
                }
                guard let aside = try move(keyring.file, in: directory, date: date) else {
                    log("\(keyring.displayPath) of \(account.name) not moved: no free name for the date")
                    continue
                }
                moved.append(Moved(kind: keyring.kind, displayPath: (["~"] + keyring.directory + [aside]).joined(separator: "/")))
                for companion in keyring.companions {
                    if let status = try directory.status(companion), status.kind == .regular,
                       status.owner == account.uid, status.linkCount == 1 {
                        _ = try move(companion, in: directory, date: date)
                    }
                }
                try directory.sync()
            } catch {
                log("\(keyring.displayPath) of \(account.name) not moved: \(error)")
            }
        }
        return moved
    }

    /// Renames `file` to the first free aside name; nil when all are taken.
    private func move(_ file: String, in directory: DirectoryHandle, date: String) throws(SystemError) -> String? {
        for attempt in 1...KeyringMove.nameTries {
            let aside = KeyringMove.asideName(file, date: date, attempt: attempt)
            do {
                try directory.renameWithoutReplacing(file, to: aside)
                return aside
            } catch where error.code == EEXIST {
                continue
            }
        }
        return nil
    }
}
