// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

extension NameService {
    /// Every account NSS lists (getpwent: files, LDAP, sssd when they enumerate), in the order NSS gives them.
    /// For `sspr admin report --all`: getpwent keeps process-wide state, so only the single-threaded CLI calls it.
    public static func allUsers() -> [PasswdEntry] {
        var entries: [PasswdEntry] = []
        setpwent()
        defer { endpwent() }
        while let pointer = getpwent() {
            if let entry = passwdEntry(pointer.pointee) { entries.append(entry) }
        }
        return entries
    }
}
