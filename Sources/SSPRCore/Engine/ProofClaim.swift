// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// A proof that was checked and found right but is not spent yet. The reset spends its claims only in the step
/// that writes the new password (`RecoveryEngine.spend`), so a reset that is abandoned or refused leaves every
/// one-time proof usable. Holds no typed secret: rows, steps, and for TOTP the stored key the step belongs to.
public enum ProofClaim {
    case totp(TOTPMethod.Match)
    case recoveryCode(id: Int64)
    case pass(TemporaryPassMethod.Match)
    case sentCode(id: Int64)
    /// Questions are not used up: nothing to spend.
    case questions

    /// True when spending it changes anything that a second use would need.
    public var isOneTime: Bool {
        switch self {
        case .totp, .recoveryCode, .sentCode: return true
        case .pass(let match): return !match.reusable
        case .questions: return false
        }
    }
}

/// The claims of one reset after they were spent, with what a give-back needs.
public struct SpentProofs {
    enum Entry {
        case totp(TOTPMethod.Match, previous: Int64)
        case row(OneTimeRow, id: Int64)
    }
    let entries: [Entry]
    let spentAt: Int64
}
