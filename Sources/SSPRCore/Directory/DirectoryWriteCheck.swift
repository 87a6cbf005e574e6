// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// After a Password Modify whose answer was lost: is the new password the entry's password now? A fresh
/// connection binds as the entry with it (docs/security.md, "The right directory entry"). Success: the write
/// happened. "Invalid credentials": it did not. Anything else (the directory still unreachable): unknown, and
/// the reset must say so rather than give the proofs back for a password that may have changed.
enum DirectoryWriteCheck {
    enum Answer: Equatable { case changed, unchanged, unknown(String) }

    static func passwordIsNow(_ password: SecretBytes, dn: String, settings: DirectorySettings, paths: SystemPaths) -> Answer {
        guard let uri = settings.uri, !password.isEmpty else { return .unknown("no directory to ask") }
        do {
            let own = try LDAPConnection(uri: uri, caFile: settings.caFile.map { paths.path($0) }, timeoutSeconds: Int(settings.timeout))
            try own.bind(dn: dn, password: password)
            return .changed
        } catch {
            return error.isInvalidCredentials ? .unchanged : .unknown("\(error)")
        }
    }
}
