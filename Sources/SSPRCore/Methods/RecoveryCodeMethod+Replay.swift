// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

extension RecoveryCodeMethod {
    /// True when `typed` is one of the user's codes that was already redeemed (a caller reading a used code
    /// to the helpdesk). Like `TOTPMethod.isSpent`, only the helpdesk asks, to refuse without counting a
    /// failure: a code that once was right says nothing about a guesser. Reads only.
    public func isSpent(user: String, typed: SecretBytes) throws(SSPRError) -> Bool {
        let candidate = RandomCode.normalise(typed)
        guard candidate.count == 10 else { return false }
        let rows = try store.query("SELECT code_hash FROM recovery_codes WHERE user = ? AND used_at IS NOT NULL", [.text(user)])
        var spent = false
        for row in rows {
            // Every row is checked, so the time does not say which code matched.
            if let hash = row.first?.text, Crypt.verify(candidate, against: hash) { spent = true }
        }
        return spent
    }
}
