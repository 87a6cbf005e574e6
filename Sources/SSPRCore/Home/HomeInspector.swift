import SSPRSystem

/// Looks, as root, for what the account's old password locks (`HomeSecrets`): GNOME's login keyring, a KDE
/// wallet, an eCryptfs wrapped passphrase, fscrypt login protectors, a systemd-homed record. All under the
/// sandbox root (`SystemPaths`).
///
/// Guarantees: inside the home, every name is looked up from a directory descriptor with O_NOFOLLOW
/// (`DirectoryHandle`), so a symlink the user planted (`.local -> /etc`, `login.keyring -> /etc/shadow`, a
/// loop) is never followed and never reported; only regular files owned by the account with one link count
/// as its keyring. It is bounded: at most `entryLimit` directory entries read, and no new step begins after
/// `timeLimitMilliseconds` (then `incomplete` is set; a single system call stuck on a dead network home is
/// not interrupted). It only reads.
public struct HomeInspector {
    public static let timeLimitMilliseconds: Int64 = 2000
    public static let entryLimit = 256
    /// fscrypt protector files are a few hundred bytes; anything bigger is not one.
    static let protectorSizeLimit = 64 * 1024
    static let userRecordSizeLimit = 256 * 1024

    public let paths: SystemPaths
    public let account: Account

    public init(paths: SystemPaths, account: Account) {
        self.paths = paths
        self.account = account
    }

    /// The GNOME and KDE files locked with the login password, as (kind, directory below home, file, companions).
    static let keyringLocations: [HomeSecrets.KeyringFile] = [
        .init(kind: .gnome, directory: [".local", "share", "keyrings"], file: "login.keyring", companions: []),
        .init(kind: .kwallet, directory: [".local", "share", "kwalletd"], file: "kdewallet.kwl", companions: ["kdewallet.salt"]),
        .init(kind: .kwallet, directory: [".kde", "share", "apps", "kwallet"], file: "kdewallet.kwl", companions: []),
    ]

    /// Inspects the home; failures are reported through `log` and make the result `incomplete`.
    public func inspect(log: (String) -> Void) -> HomeSecrets {
        var result = HomeSecrets()
        let deadline = SystemClock.monotonicMilliseconds() + HomeInspector.timeLimitMilliseconds
        func inTime() -> Bool {
            if SystemClock.monotonicMilliseconds() < deadline { return true }
            result.incomplete = true
            return false
        }
        do throws(SystemError) {
            // homed first: for such an account nothing else matters.
            result.homed = try isHomed()
            if result.homed { return result }
            if inTime(), let home = try openHome() {
                for location in HomeInspector.keyringLocations where inTime() {
                    if try HomeInspector.keyringFile(location, in: home, uid: account.uid) != nil {
                        result.keyrings.append(location)
                    }
                }
                if inTime(), try hasWrappedPassphrase(home) { result.encryptedHome.append(.ecryptfs) }
            }
            if inTime(), !result.encryptedHome.contains(.ecryptfs), try hasSharedEcryptfsPassphrase() {
                result.encryptedHome.append(.ecryptfs)
            }
            if inTime(), try hasFscryptLoginProtector(&result) { result.encryptedHome.append(.fscrypt) }
        } catch {
            result.incomplete = true
            log("home of \(account.name) not fully inspected: \(error)")
        }
        if result.incomplete { log("home of \(account.name): inspection incomplete (bound reached or error)") }
        return result
    }

    /// The account's home directory, opened without following a symlink in its last component.
    func openHome() throws(SystemError) -> DirectoryHandle? {
        guard account.home.hasPrefix("/"), account.home != "/" else { return nil }
        return try DirectoryHandle.open(paths.path(account.home))
    }

    /// Walks `location.directory` from `home` and returns that directory when `location.file` in it is a
    /// regular file owned by `uid` with a single link (a hard link to a file elsewhere is not the user's
    /// keyring, and renaming it would be renaming someone else's file).
    static func keyringFile(_ location: HomeSecrets.KeyringFile, in home: DirectoryHandle,
                            uid: UInt32) throws(SystemError) -> DirectoryHandle? {
        guard let directory = try walk(location.directory, from: home),
              let status = try directory.status(location.file),
              status.kind == .regular, status.owner == uid, status.linkCount == 1 else { return nil }
        return directory
    }

    /// Opens each component in turn, never through a symlink; nil as soon as one is missing or not a directory.
    static func walk(_ components: [String], from start: DirectoryHandle) throws(SystemError) -> DirectoryHandle? {
        var current = start
        for name in components {
            guard let next = try current.directory(name) else { return nil }
            current = next
        }
        return current
    }

    /// `~/.ecryptfs/wrapped-passphrase`: the mount passphrase wrapped with the login password.
    func hasWrappedPassphrase(_ home: DirectoryHandle) throws(SystemError) -> Bool {
        guard let dir = try HomeInspector.walk([".ecryptfs"], from: home) else { return false }
        return try dir.status("wrapped-passphrase")?.kind == .regular
    }

    /// `/home/.ecryptfs/USER/.ecryptfs/wrapped-passphrase`: where an encrypted home keeps it (the home itself
    /// then holds only a symlink to it, which the walk above does not follow).
    func hasSharedEcryptfsPassphrase() throws(SystemError) -> Bool {
        guard let base = try DirectoryHandle.open(paths.path("/home/.ecryptfs")),
              let dir = try HomeInspector.walk([account.name, ".ecryptfs"], from: base) else { return false }
        return try dir.status("wrapped-passphrase")?.kind == .regular
    }

    /// A protector in `/.fscrypt/protectors` (or `/home/.fscrypt` when /home is its own filesystem) with source
    /// pam_passphrase for this uid. Files that do not parse are counted as unknown (`incomplete`), not as found.
    func hasFscryptLoginProtector(_ result: inout HomeSecrets) throws(SystemError) -> Bool {
        for base in ["/.fscrypt", "/home/.fscrypt"] {
            guard let root = try DirectoryHandle.open(paths.path(base)),
                  let protectors = try root.directory("protectors") else { continue }
            let names = try protectors.names(limit: HomeInspector.entryLimit + 1)
            if names.count > HomeInspector.entryLimit { result.incomplete = true }
            for name in names.prefix(HomeInspector.entryLimit) {
                let read: [UInt8]?
                do { read = try protectors.readFile(name, limit: HomeInspector.protectorSizeLimit) } catch {
                    result.incomplete = true
                    continue
                }
                guard let bytes = read else { continue }
                guard let protector = FscryptProtector.parse(bytes) else {
                    result.incomplete = true
                    continue
                }
                if protector.isLoginProtector(for: account.uid) { return true }
            }
        }
        return false
    }

    /// systemd-homed: its home area (`/var/lib/systemd/home/USER.home` identity, `/home/USER.home` LUKS image,
    /// `/home/USER.homedir` directory) or a user record it published in `/run/userdb` (`homectl` need not be
    /// installed for this to answer).
    func isHomed() throws(SystemError) -> Bool {
        let name = account.name
        if let home = try DirectoryHandle.open(paths.path("/var/lib/systemd/home")), try home.status("\(name).home") != nil {
            return true
        }
        if let homes = try DirectoryHandle.open(paths.path("/home")) {
            if try homes.status("\(name).homedir")?.kind == .directory { return true }
            if try homes.status("\(name).home")?.kind == .regular { return true }
        }
        if let userdb = try DirectoryHandle.open(paths.path("/run/userdb")),
           let record = try userdb.readFile("\(name).user", limit: HomeInspector.userRecordSizeLimit) {
            let text = String(decoding: record, as: UTF8.self)
            return text.includes("\"io.systemd.Home\"")
        }
        return false
    }
}
