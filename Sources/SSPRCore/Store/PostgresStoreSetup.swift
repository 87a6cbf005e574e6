// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Checks a PostgreSQL store URI before anything is sent, then connects.
///
/// The policy file is world-readable, so the URI may hold no password: credentials come from libpq's own
/// means, a `passfile` or a client certificate, and those files must be root's and closed to everyone else,
/// as the SQLite store is. Over TCP the server must prove who it is (`sslmode=verify-full`): the store holds
/// TOTP secrets, and a machine that talks to an impostor would both leak them and accept forged proofs.
/// Only a unix socket may go without TLS, and only one that nobody but root or the server's user can serve
/// (`PostgresSocketCheck`). A `service=` is refused: libpq reads the service file only when it connects, after
/// these checks, so what it names could never be checked.
public enum PostgresStoreSetup {
    /// The parsed URI and who must serve it (the socket check's server user), once every check passed.
    public static func check(uri: String) throws(SSPRError) -> PostgresSocketCheck {
        let info: PostgresConnectionInfo
        do { info = try PostgresConnectionInfo(uri: uri) } catch {
            throw .storeUnavailable("store URI cannot be parsed: \(error.message)")
        }
        if let key = info.inlineSecrets.first {
            throw .storeUnavailable("store URI must not hold a \(key) (the policy file is world-readable): put it in a passfile (root-only, 0600) and name it with passfile=")
        }
        if let key = ["service", "servicefile"].first(where: { info.options[$0] != nil }) {
            throw .storeUnavailable("store URI must not use \(key)= (libpq reads the service file only when it connects, after sspr's checks): write host, port, dbname and sslmode into the URI itself")
        }
        if !info.isLocalSocketOnly && info.sslMode != "verify-full" {
            throw .storeUnavailable("store URI reaches \(info.hosts.joined(separator: ",")) over TCP with sslmode=\(info.sslMode); a fleet store over the network needs sslmode=verify-full (and sslrootcert=)")
        }
        for (key, path) in info.credentialFiles { try checkFile(path, key: key, closedToOthers: true) }
        for (key, path) in info.trustFiles { try checkFile(path, key: key, closedToOthers: false) }
        let sockets = PostgresSocketCheck(info: info)
        try sockets.check()
        return sockets
    }

    public static func connect(uri: String, timeoutMilliseconds: Int) throws(SSPRError) -> PostgresDatabase {
        // On a unix socket the server process must run as the server user (libpq checks it with SO_PEERCRED
        // before sending anything); over TCP libpq ignores requirepeer and TLS proves the server instead.
        let serverUser = try check(uri: uri).serverUser
        do { return try PostgresDatabase(uri: uri, timeoutMilliseconds: timeoutMilliseconds, requirePeer: serverUser) } catch {
            throw .storeUnreachable("store \(uri) is not reachable: \(error.message)")
        }
    }

    /// A file libpq will read as root: root-owned, a regular file, not a symlink; credentials also unreadable
    /// by group and others, and nothing writable by them.
    private static func checkFile(_ path: String, key: String, closedToOthers: Bool) throws(SSPRError) {
        guard path.hasPrefix("/") else { throw .storeUnavailable("store URI: \(key)=\(path) must be an absolute path") }
        let status: FileStatus?
        do { status = try FileSystem.status(path) } catch { throw .storeUnavailable("store URI: \(key): \(error)") }
        guard let status else { throw .storeUnavailable("store URI: \(key) \(path) does not exist") }
        let problem = closedToOthers
            ? StorePermissions.problem(status, kind: .regular, forbidden: 0o077, rule: "group and others must have no access")
            : StorePermissions.problem(status, kind: .regular, forbidden: 0o022, rule: "group and others must not write it")
        if let problem { throw .storeUnavailable("store URI: \(key) \(path) \(problem)") }
    }
}
