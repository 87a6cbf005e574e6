// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The reset account's connection to the directory (`password_store = ldap`): encrypted as `LDAPConnection`
/// guarantees and bound as `ldap_bind_dn` with the password from `ldap_bind_password_file`, which is wiped
/// right after the bind. Every way of not getting there (file refused, server down or slow, TLS, bind refused)
/// is `.directoryUnavailable` with the reason for the log; no reason ever holds a password.
public struct DirectoryConnection {
    /// The attributes sspr reads of a user's entry: its lock and expiry state, the ppolicy reset flag, and the
    /// identity it must share with the local account (`uid`, `uidNumber`).
    static let stateAttributes = ["pwdAccountLockedTime", "pwdEndTime", "shadowExpire", "pwdReset", "uid", "uidNumber"]

    public let settings: DirectorySettings
    let connection: LDAPConnection

    public var security: LDAPConnection.Security { connection.security }

    /// Connects and binds. Paths are taken under the sandbox root like every other file sspr reads.
    public static func open(_ settings: DirectorySettings, paths: SystemPaths) throws(SSPRError) -> DirectoryConnection {
        guard let uri = settings.uri, let bindDN = settings.bindDN, let file = settings.bindPasswordFile else {
            throw .directoryUnavailable("password_store = ldap needs ldap_uri, ldap_bind_dn and ldap_bind_password_file")
        }
        let password = try BindPasswordFile.read(paths.path(file))
        defer { password.wipe() }
        do {
            let connection = try LDAPConnection(uri: uri, caFile: settings.caFile.map { paths.path($0) },
                                                timeoutSeconds: Int(settings.timeout))
            try connection.bind(dn: bindDN, password: password)
            return DirectoryConnection(settings: settings, connection: connection)
        } catch {
            // The error first: the audit keeps a bounded detail.
            throw .directoryUnavailable("\(error) (\(uri) as \(bindDN))")
        }
    }

    /// The user's entry: exactly one match of the filter under `ldap_base`; none or several is "not available"
    /// (several could only be a directory mistake, and guessing among them could reset someone else).
    public func entry(of user: String) throws(SSPRError) -> LDAPEntry {
        let filter = LDAPFilter.userFilter(settings.userFilter, user: user)
        let found: (entries: [LDAPEntry], truncated: Bool)
        do {
            found = try connection.search(base: settings.base ?? "", filter: filter,
                                          attributes: DirectoryConnection.stateAttributes, limit: 2)
        } catch {
            throw .directoryUnavailable("\(error)")
        }
        guard !found.truncated, found.entries.count <= 1 else {
            throw .notAvailable("more than one directory entry matches \(filter)")
        }
        guard let entry = found.entries.first else { throw .notAvailable("no directory entry matches \(filter)") }
        return entry
    }

    /// The entry `dn` itself, re-read after the write.
    func entry(dn: String) throws(LDAPError) -> LDAPEntry? {
        try connection.search(base: dn, filter: "(objectClass=*)", attributes: DirectoryConnection.stateAttributes,
                              limit: 1).entries.first
    }

    /// Password Modify (RFC 3062) on `dn` with the ppolicy request control.
    func setPassword(dn: String, to password: SecretBytes) -> LDAPPasswordModifyResult {
        connection.modifyPassword(dn: dn, newPassword: password)
    }

    func removeAttribute(dn: String, name: String) throws(LDAPError) {
        try connection.removeAttribute(dn: dn, name: name)
    }
}

extension DirectoryConnection {
    /// Whether `password` is the user's current password in the directory (ssprd's Authenticate in ldap mode):
    /// the entry is found and its state checked as the reset account, then a second connection binds as the
    /// entry itself. Only "invalid credentials" is a wrong password; anything else (down, TLS, an empty
    /// password the server would take as an anonymous bind) is not an answer.
    public func verifyPassword(user: String, password: SecretBytes, paths: SystemPaths, now: Int64) throws(SSPRError) -> Bool {
        // RFC 4513 5.1.2: a simple bind with a DN and an empty password is an unauthenticated bind that
        // "succeeds"; it must never count as knowing the password.
        guard !password.isEmpty else { return false }
        let account = try DirectoryAccount.check(user: user, directory: self, paths: paths, now: now)
        guard let uri = settings.uri else { throw .directoryUnavailable("ldap_uri is not set") }
        do {
            let own = try LDAPConnection(uri: uri, caFile: settings.caFile.map { paths.path($0) }, timeoutSeconds: Int(settings.timeout))
            try own.bind(dn: account.dn, password: password)
            return true
        } catch {
            if error.isInvalidCredentials { return false }
            throw .directoryUnavailable("\(error) (\(uri) as \(account.dn))")
        }
    }
}
