// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

extension TOTPMethod {
    /// True when `code` is the code of a step that was already accepted (a caller reading the same code to the
    /// helpdesk twice). Only the helpdesk asks: it then refuses without counting a failure, since a code that
    /// was right a moment ago says nothing about a guesser. Reads only; never spends a step.
    public func isSpent(user: String, code: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        let rows = try store.query("SELECT secret, last_step FROM methods WHERE user = ? AND kind = 'totp'", [.text(user)])
        guard let row = rows.first, row.count == 2, let key = row[0].blob, let lastStep = row[1].integer else { return false }
        guard let step = TOTPMethod.matchingStep(secret: SecretBytes(key), code: code, now: now) else { return false }
        return step <= lastStep
    }
}
