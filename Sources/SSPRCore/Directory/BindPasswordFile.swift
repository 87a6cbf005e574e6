// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The reset account's password file (`ldap_bind_password_file`). Whoever can read it can set any user's
/// password in the directory, and whoever can write it can point sspr at a password of their choosing, so it
/// is refused unless it is a regular file (not a symlink), owned by root, and neither readable nor writable by
/// group or others: the spirit of `StorePermissions`. Refusals name the path and what is wrong.
public enum BindPasswordFile {
    /// The permission check alone (also what `sspr admin check` reports).
    @discardableResult
    public static func check(_ path: String) throws(SSPRError) -> FileStatus {
        let status: FileStatus?
        do { status = try FileSystem.status(path) } catch { throw .directoryUnavailable("ldap_bind_password_file: \(error)") }
        guard let status else { throw .directoryUnavailable("ldap_bind_password_file \(path) does not exist") }
        if let problem = StorePermissions.problem(status, kind: .regular, forbidden: 0o066,
                                                  rule: "group and others must not read or write it (chmod 0600)") {
            throw .directoryUnavailable("ldap_bind_password_file \(path) \(problem)")
        }
        return status
    }

    /// The password: the file's first line, without its line end. Checked first; the read refuses a symlink.
    public static func read(_ path: String) throws(SSPRError) -> SecretBytes {
        try check(path)
        var bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path, limit: 4096) } catch {
            throw .directoryUnavailable("ldap_bind_password_file \(path) cannot be read: \(error)")
        }
        let secret = SecretBytes(Array(bytes.prefix(while: { $0 != 0x0a && $0 != 0x0d })))
        MemoryHygiene.wipe(&bytes)
        guard !secret.isEmpty else { throw .directoryUnavailable("ldap_bind_password_file \(path) is empty") }
        return secret
    }
}
