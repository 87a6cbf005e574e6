// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Where the new password goes (`password_store`) and what the flow learnt of the account there before any
/// proof was asked.
public enum PasswordTarget: Equatable, Sendable {
    /// /etc/shadow: the entry's state and the hash read then (the write aborts if shadow no longer holds it).
    case shadow(ShadowAccountCheck.Result)
    /// The LDAP directory: the user's entry, checked not locked or expired.
    case directory(DirectoryAccount)

    /// The local account's uid (registrations are bound to it).
    public var uid: UInt32 {
        switch self {
        case .shadow(let account): return account.uid
        case .directory(let account): return account.uid
        }
    }

    /// The directory entry written, for the audit; nil for /etc/shadow.
    public var directoryDN: String? {
        if case .directory(let account) = self { return account.dn }
        return nil
    }

    /// The hash in /etc/shadow; nil for the directory, which keeps its own history.
    public var shadowHash: String? {
        if case .shadow(let account) = self { return account.hash }
        return nil
    }
}
