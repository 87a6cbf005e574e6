// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Checking proofs for a reset without spending them, and spending them when the password is written.
extension RecoveryEngine {
    /// Checks one proof with the same lockout discipline as `verify` (counted as a failure before the check,
    /// withdrawn on success), but a right proof is not spent: its claim is returned for `spend`. Like `verify`,
    /// registrations that belong to another account (or none) are "not available", audited, and not checked.
    public func verifyUnspent(user: String, method: MethodKind, proof: Proof,
                              context: AuditContext) throws(SSPRError) -> (outcome: ProofOutcome, claim: ProofClaim?) {
        try requireBinding(user, account: accounts.account(named: user), context: context)
        let t = now
        var claim: ProofClaim? = nil
        let outcome = try attempt(user: user, method: method, context: context) { () throws(SSPRError) -> Bool in
            claim = try match(user: user, method: method, proof: proof, now: t)
            return claim != nil
        }
        return (outcome, outcome == .accepted ? claim : nil)
    }

    private func match(user: String, method: MethodKind, proof: Proof, now t: Int64) throws(SSPRError) -> ProofClaim? {
        switch (method, proof) {
        case (.totp, .code(let code)): return try totp.match(user: user, code: code, now: t).map(ProofClaim.totp)
        case (.recoveryCode, .code(let code)): return try recoveryCodes.match(user: user, typed: code).map { .recoveryCode(id: $0) }
        case (.tap, .code(let code)): return try passes.match(user: user, typed: code, now: t).map(ProofClaim.pass)
        case (.questions, .answers(let answers)): return try questions.verify(user: user, answers: answers) ? .questions : nil
        case (.email, .code(let code)), (.sms, .code(let code)):
            return try contactCodes.match(user: user, kind: method, purpose: .login, typed: code, now: t).map { .sentCode(id: $0.id) }
        case (.totp, .answers), (.recoveryCode, .answers), (.tap, .answers), (.questions, .code), (.email, .answers), (.sms, .answers):
            return nil
        }
    }

    /// Spends every claim in one store transaction, re-checking that each is still unspent: all or none.
    /// Nil when one was used meanwhile (another reset with the same proof won), or revoked or replaced; then
    /// nothing is spent. Of racing resets holding the same one-time proof, exactly one gets a non-nil result.
    public func spend(_ claims: [ProofClaim], user: String) throws(SSPRError) -> SpentProofs? {
        let t = now
        // "Used meanwhile" is thrown inside the transaction so that it rolls back: no claim stays half spent.
        let usedMeanwhile = SSPRError.notAvailable("a proof was used meanwhile")
        do throws(SSPRError) {
            return try store.transaction { () throws(SSPRError) -> SpentProofs in
                var entries: [SpentProofs.Entry] = []
                for claim in claims {
                    guard let entry = try spendOne(claim, user: user, now: t) else { throw usedMeanwhile }
                    entries.append(contentsOf: entry)
                }
                return SpentProofs(entries: entries, spentAt: t)
            }
        } catch where error == usedMeanwhile {
            return nil
        }
    }

    /// The give-back entries for one spent claim (none for questions), or nil when it could not be spent.
    private func spendOne(_ claim: ProofClaim, user: String, now t: Int64) throws(SSPRError) -> [SpentProofs.Entry]? {
        switch claim {
        case .questions: return []
        case .totp(let match):
            guard let previous = try totp.spend(user: user, match) else { return nil }
            return [.totp(match, previous: previous)]
        case .recoveryCode(let id):
            return try OneTimeRow.recoveryCode.spend(id: id, now: t, store: store) ? [.row(.recoveryCode, id: id)] : nil
        case .sentCode(let id):
            return try OneTimeRow.sentCode.spend(id: id, now: t, store: store) ? [.row(.sentCode, id: id)] : nil
        case .pass(let match):
            // A reusable pass is not used up: nothing to give back.
            guard try passes.spend(match, now: t) else { return nil }
            return match.reusable ? [] : [.row(.pass, id: match.id)]
        }
    }

    /// Makes spent proofs usable again after the password could not be written (nothing was changed, so the
    /// user must be able to try again with the same code). One transaction.
    public func giveBack(_ spent: SpentProofs, user: String) throws(SSPRError) {
        try store.transaction { () throws(SSPRError) in
            for entry in spent.entries {
                switch entry {
                case .totp(let match, let previous): try totp.giveBack(user: user, match, previous: previous)
                case .row(let row, let id): try row.giveBack(id: id, spentAt: spent.spentAt, store: store)
                }
            }
        }
    }

    /// Audits a reset that began (the user said yes and had a plan) but did not change the password:
    /// `reset_abandoned` when the conversation ended, else `reset_failed`, with the reason, the methods already
    /// proved and whether their one-time proofs are still usable (only a failed give-back loses them).
    public func resetNotCompleted(user: String, abandoned: Bool, reason: String, proved: [MethodKind],
                                  proofsKept: Bool = true, context: AuditContext) throws(SSPRError) {
        var detail = reason
        if !proved.isEmpty {
            detail += "; proved " + proved.map(\.rawValue).joined(separator: ",")
            detail += proofsKept ? ", still usable" : ", spent"
        }
        try audit.record(abandoned ? .resetAbandoned : .resetFailed, user: user, result: "fail", detail: detail,
                         context: context, at: now)
    }
}
