// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The single-use rows of the store (recovery codes, passes, codes sent by e-mail or SMS), spent by setting
/// `used_at`. A spend is a conditional update (`WHERE used_at IS NULL`), so of any number of racing spends of
/// one row exactly one changes it; a give-back clears only the mark that spend wrote.
enum OneTimeRow: Sendable {
    case recoveryCode, pass, sentCode

    /// Table names are constants of this type, never input: safe to put into the SQL text.
    var table: String {
        switch self {
        case .recoveryCode: return "recovery_codes"
        case .pass: return "passes"
        case .sentCode: return "sent_codes"
        }
    }

    /// Marks row `id` used at `now`; false when it was already used or is gone (regenerated, revoked).
    func spend(id: Int64, now: Int64, store: Store) throws(SSPRError) -> Bool {
        try store.run("UPDATE \(table) SET used_at = ? WHERE id = ? AND used_at IS NULL", [.integer(now), .integer(id)]) == 1
    }

    /// Undoes `spend(id:now:)` after the password could not be written. Only the mark written at `spentAt`
    /// is cleared, so a row some other action touched since is left as it is.
    func giveBack(id: Int64, spentAt: Int64, store: Store) throws(SSPRError) {
        _ = try store.run("UPDATE \(table) SET used_at = NULL WHERE id = ? AND used_at = ?", [.integer(id), .integer(spentAt)])
    }
}
