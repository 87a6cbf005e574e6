// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Every way the engine can fail. Front ends map it in one place each (the module to PAM codes with an
/// exhaustive switch, the CLI to exit codes). Descriptions never contain a secret.
public enum SSPRError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The policy has problems; the module then stays out of the way.
    case policyInvalid([PolicyProblem])
    /// The store is missing, has unsafe permissions, or is damaged. Never read as "nothing registered".
    case storeUnavailable(String)
    /// A PostgreSQL store that could not be reached, or did not answer within `store_timeout`: passing, and
    /// nothing about the account.
    case storeUnreachable(String)
    /// A store operation failed (busy past the timeout, disk full, I/O error).
    case storeFailure(String)
    /// The account cannot use the reset (unknown, not enough methods, no password, locked by admin, expired).
    /// The reason is for logs and admins only; users see one message for all of them.
    case notAvailable(String)
    /// Too many failed proofs; no proof is checked until then (epoch seconds).
    case lockedOut(until: Int64)
    /// Bad input to an admin or registration operation (the message says what is wrong, never the value if secret).
    case invalidInput(String)
    /// The caller may not do this.
    case notPermitted(String)
    /// A system call failed.
    case system(SystemError)
    /// libcrypt refused to hash.
    case hashing(String)
    /// The conversation failed or gave an unusable reply; the flow ended with nothing written.
    case conversationFailed(String)
    /// Too many wrong answers, choices or passwords in one conversation.
    case tooManyAttempts
    /// Another program holds the password-file lock past the bounded wait.
    case passwordFileBusy(String)
    /// The new password could not be written; /etc/shadow is unchanged.
    case passwordUpdateFailed(String)
    /// The LDAP password store cannot be used now: the server is down or slow, TLS or the reset account's bind
    /// failed, or its password file is refused. Found before any proof is asked.
    case directoryUnavailable(String)

    /// The store, or the directory the password is written to, failed or could not be reached: nothing about
    /// the account, and usually passing. (A missing, unsafe or damaged store is `storeUnavailable`, which an
    /// admin must fix.)
    public var isStoreProblem: Bool {
        switch self {
        case .storeUnreachable, .storeFailure, .directoryUnavailable: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .policyInvalid(let problems): return "policy problems: " + problems.map(\.description).joined(separator: "; ")
        case .storeUnavailable(let m): return "store unavailable: \(m)"
        case .storeUnreachable(let m): return "store unreachable: \(m)"
        case .storeFailure(let m): return "store failure: \(m)"
        case .notAvailable(let m): return "password reset not available: \(m)"
        case .lockedOut(let until): return "locked out until \(SystemClock.localTime(until))"
        case .invalidInput(let m): return m
        case .notPermitted(let m): return "not permitted: \(m)"
        case .system(let e): return e.description
        case .hashing(let m): return "hashing failed: \(m)"
        case .conversationFailed(let m): return "conversation failed: \(m)"
        case .tooManyAttempts: return "too many attempts"
        case .passwordFileBusy(let m): return "password file busy: \(m)"
        case .passwordUpdateFailed(let m): return "password not changed: \(m)"
        case .directoryUnavailable(let m): return "password store unavailable: \(m)"
        }
    }
}
