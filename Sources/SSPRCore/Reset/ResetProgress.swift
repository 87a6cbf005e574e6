// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// How far one reset got: what is proved (and not yet spent), and, when it ends early, why. The flow audits
/// every reset that began and did not change the password with this reason (`reset_failed`,
/// `reset_abandoned`).
struct ResetProgress {
    enum Stage: String {
        case proving = "proofs"
        case choosingPassword = "new password"
        case writing = "writing the password"
    }

    var stage = Stage.proving
    /// Methods proved so far, in order.
    var methods: [MethodKind] = []
    /// Their proofs, checked but not spent: `PasswordChange.commit` spends them with the password.
    var claims: [ProofClaim] = []
    /// Set where the flow knows better than the error's kind ("too many wrong proofs").
    var reason: String? = nil
    /// False only when proofs were spent by a write that failed and could not be given back.
    var proofsKept = true
    /// Set when the end was recorded already (a write whose outcome is unknown is audited as a reset).
    var recorded = false
    /// Set when the user said no after hearing what the reset would cost (`HomeSecretsNotice`).
    var declined = false

    /// The audit reason for `error` at this stage.
    func reason(for error: SSPRError) -> String {
        if let reason { return reason }
        switch error {
        case .conversationFailed: return "conversation ended at \(stage.rawValue)"
        case .tooManyAttempts: return stage == .choosingPassword ? "password refused" : "too many attempts"
        case .lockedOut: return "locked out"
        case .notAvailable(let why): return why
        case .passwordFileBusy: return "password file busy"
        // The audit gets a short reason (the detail field is bounded); the details went to the log already.
        default: return stage == .writing ? "password not written" : "\(stage.rawValue) failed: \(error)"
        }
    }

    /// True when the user (or the application) went away rather than being refused.
    func isAbandoned(_ error: SSPRError) -> Bool {
        if case .conversationFailed = error { return true }
        return declined
    }
}
