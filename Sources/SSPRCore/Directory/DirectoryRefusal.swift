// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Why the directory's password policy (slapo-ppolicy's response control) refused a new password, in words a
/// user can act on. The first four are the user's to fix: the flow shows the reason and asks for another
/// password, the proofs unspent. The others end the reset.
public enum DirectoryRefusal: Equatable, Sendable {
    case tooShort
    case tooLong
    case insufficientQuality
    case inHistory
    case tooYoung
    case accountLocked
    /// The reset account itself may not change passwords: its own password expired or must be changed
    /// (passwordExpired, changeAfterReset), the policy forbids the change or wants the old password (which a
    /// user who forgot it cannot give). An administrator's matter.
    case resetAccount(String)

    public init?(_ error: LDAPPasswordPolicyError?) {
        switch error {
        case nil: return nil
        case .passwordTooShort: self = .tooShort
        case .passwordTooLong: self = .tooLong
        case .insufficientPasswordQuality: self = .insufficientQuality
        case .passwordInHistory: self = .inHistory
        case .passwordTooYoung: self = .tooYoung
        case .accountLocked: self = .accountLocked
        case .passwordExpired: self = .resetAccount("the reset account's password has expired")
        case .changeAfterReset: self = .resetAccount("the reset account must change its own password first (pwdReset)")
        case .passwordModNotAllowed: self = .resetAccount("the policy does not allow this password change (pwdAllowUserChange)")
        case .mustSupplyOldPassword: self = .resetAccount("the policy wants the old password (pwdSafeModify must be FALSE)")
        }
    }

    public var userCanFix: Bool {
        switch self {
        case .tooShort, .tooLong, .insufficientQuality, .inHistory: return true
        case .tooYoung, .accountLocked, .resetAccount: return false
        }
    }

    /// What the user sees.
    public var message: String {
        switch self {
        case .tooShort: return ResetMessages.badPassword(ResetMessages.directoryTooShort)
        case .tooLong: return ResetMessages.badPassword(ResetMessages.directoryTooLong)
        case .insufficientQuality: return ResetMessages.badPassword(ResetMessages.directoryQuality)
        case .inHistory: return ResetMessages.passwordReused
        case .tooYoung: return ResetMessages.directoryTooYoung
        case .accountLocked: return ResetMessages.directoryLocked
        case .resetAccount: return ResetMessages.notAvailableNow
        }
    }

    /// For the log and the audit.
    public var reason: String {
        switch self {
        case .tooShort: return "the directory refused the password: too short"
        case .tooLong: return "the directory refused the password: too long"
        case .insufficientQuality: return "the directory refused the password: quality"
        case .inHistory: return "the directory refused the password: in history"
        case .tooYoung: return "the directory refused the change: password too young"
        case .accountLocked: return "the directory refused the change: account locked"
        case .resetAccount(let why): return "the directory refused the change: \(why)"
        }
    }
}
