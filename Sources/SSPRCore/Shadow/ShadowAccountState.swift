// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// How an account's shadow entry stands for a password reset (SPEC section 5, step 2).
public enum ShadowAccountState: Equatable, Sendable {
    /// A usable password, not expired.
    case active
    /// Past its maximum age, or last change 0 ("must change"): exactly what a reset is for.
    case passwordExpired
    /// Locked by an administrator (`!` before a hash): never reset, never unlocked.
    case adminLocked
    /// No password set (`*`, `!`, `!!`) or an empty one: no reset.
    case noPassword
    /// The account's expiry date (field 8) has come: no reset.
    case accountExpired
    /// Expired for longer than the inactivity period: pam_unix refuses the account, so no reset either.
    case passwordInactive

    /// True for the states in which SPEC allows a reset.
    public var allowsReset: Bool { self == .active || self == .passwordExpired }
}
