// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The error of a password policy response control (draft-behera-ldap-password-policy, libldap's
/// `LDAPPasswordPolicyError`), as slapo-ppolicy sends it with a refused password change.
public enum LDAPPasswordPolicyError: Int32, Equatable, Sendable {
    case passwordExpired = 0
    case accountLocked = 1
    case changeAfterReset = 2
    case passwordModNotAllowed = 3
    case mustSupplyOldPassword = 4
    case insufficientPasswordQuality = 5
    case passwordTooShort = 6
    case passwordTooYoung = 7
    case passwordInHistory = 8
    case passwordTooLong = 9
}

/// What the server answered to a Password Modify request.
public struct LDAPPasswordModifyResult: Equatable, Sendable {
    /// The LDAP result code (0: changed).
    public let code: Int32
    /// The ppolicy error, when the server sent a response control with one.
    public let policyError: LDAPPasswordPolicyError?
    /// The server's diagnostic message ("Password fails quality checking policy"); never holds the password.
    public let diagnostic: String

    public var succeeded: Bool { code == 0 }
}
