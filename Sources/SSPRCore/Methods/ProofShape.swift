// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Whether a reply could be a proof of a method at all, decided before it is checked and counted toward the
/// lockout. Some screen lockers answer every prompt with the text typed first (docs/security.md, "Clients that
/// replay"): after a passer-by's `yes` at the offer they send `yes` to every prompt. A reply that cannot be
/// a code of the method asked for, or answers that only repeat the offer's reply, are refused without counting,
/// so such a client can neither spend the owner's tries nor lock the owner out.
enum ProofShape {
    /// True when `proof` has the form of a proof of `method`; `offerReply` is what was typed at the offer.
    static func canBe(_ proof: Proof, of method: MethodKind, offerReply: String) -> Bool {
        switch (method, proof) {
        case (.totp, .code(let code)):
            return TOTPMethod.codeDigits(code) != nil
        case (.email, .code(let code)), (.sms, .code(let code)):
            return ContactCodeMethod.codeDigits(code) != nil
        case (.recoveryCode, .code(let code)):
            return RandomCode.isWellFormed(code, length: RecoveryCodeMethod.codeLength)
        case (.tap, .code(let code)):
            return RandomCode.isWellFormed(code, length: TemporaryPassMethod.passLength)
        case (.questions, .answers(let answers)):
            // Every answer the same as the offer's reply is a replay, not a person's answers.
            let offer = trim(offerReply).lowercased()
            return !answers.allSatisfy { trim(String(decoding: $0.answer.bytes, as: UTF8.self)).lowercased() == offer }
        case (.totp, .answers), (.email, .answers), (.sms, .answers), (.recoveryCode, .answers), (.tap, .answers),
             (.questions, .code):
            return false
        }
    }
}
