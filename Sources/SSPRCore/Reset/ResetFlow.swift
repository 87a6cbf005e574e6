// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// "Forgot your password?" (SPEC section 5): the offer, the gates, the proofs, the new password, the write.
///
/// Guarantees: after the user says yes, every failure ends the flow with a non-success result and nothing
/// written; unknown, unregistered, admin-locked, passwordless and expired accounts see the same words and the
/// same number of prompts; a user sees at most `maximumWrongProofs` wrong proofs in one conversation, and every
/// proof counts toward the store's lockout. With `password_store = ldap`, a directory that cannot be reached,
/// encrypted or bound to ends the flow before any proof is asked, with the same words for every name.
public struct ResetFlow {
    public static let maximumWrongProofs = 3
    public static let maximumChoiceErrors = 3
    /// Replies that cannot be proofs at all (`ProofShape`): refused without counting, up to this many.
    public static let maximumUnusableReplies = 3
    public static let passwordTries = 3

    public let paths: SystemPaths
    public let policy: Policy
    public let context: AuditContext
    /// Set when the caller is not root (a screen locker through the reset socket): only the account with this
    /// uid may be reset, and any other name gets exactly the words an unknown user gets.
    public let requiredUID: UInt32?
    let openEngine: () throws(SSPRError) -> RecoveryEngine

    public init(paths: SystemPaths, policy: Policy, context: AuditContext, requiredUID: UInt32? = nil,
                openEngine: @escaping () throws(SSPRError) -> RecoveryEngine) {
        self.paths = paths
        self.policy = policy
        self.context = context
        self.requiredUID = requiredUID
        self.openEngine = openEngine
    }

    /// Runs the conversation for `user`. Returns normally for "declined" and "completed"; throws for every
    /// other end (after telling the user what they may know).
    public func run(user: String, conversation: ResetConversation) throws(SSPRError) -> ResetOutcome {
        let answer = try conversation.prompt(ResetMessages.offer, echo: true)
        guard ResetFlow.isYes(answer) else { return .declined }
        let offerReply = String(decoding: answer.bytes, as: UTF8.self)

        let engine: RecoveryEngine
        do { engine = try openEngine() } catch {
            conversation.log(.error, "reset for \(sanitisedName(user)) not possible: \(error)")
            try tellNotAvailable(conversation, because: error)
            throw error
        }
        try? engine.audit.record(.offer, user: sanitisedName(user), result: "yes", context: context, at: engine.now)

        let plan: ResetPlan
        let target: PasswordTarget
        do throws(SSPRError) {
            if let requiredUID, engine.accounts.account(named: user)?.uid != requiredUID {
                throw SSPRError.notAvailable("not the caller's own account")
            }
            // The directory (password_store = ldap) is reached and bound before anything that depends on the
            // user: down, slow, TLS or the reset account failing, every name hears the same words, and no proof
            // is asked for a password that could not be written.
            let directory = policy.passwordStore == .ldap ? try DirectoryConnection.open(policy.ldap, paths: paths) : nil
            plan = try engine.plan(for: user, context: context)
            target = try checkAccount(user: user, directory: directory, now: engine.now)
        } catch {
            switch error {
            case .lockedOut(let until): try tellLocked(until, conversation)
            case .directoryUnavailable:
                conversation.log(.error, "reset for \(sanitisedName(user)) not available right now: \(error)")
                try? engine.resetNotCompleted(user: sanitisedName(user), abandoned: false, reason: "\(error)", proved: [], context: context)
                try conversation.show([ResetMessages.notAvailableNow] + helpdeskLines, asError: true)
            default:
                conversation.log(.notice, "reset for \(sanitisedName(user)) not available: \(error)")
                try tellNotAvailable(conversation, because: error)
            }
            throw error
        }

        // The password checks are set up before any proof is asked: a checker that would refuse every password
        // (no cracklib dictionary) is dealt with now, not after the user has proved who they are.
        let change = PasswordChange.prepare(paths: paths, policy: policy, user: user, target: target, conversation: conversation)
        var progress = ResetProgress()
        let newPassword: SecretBytes
        var keyrings = KeyringsToMove()
        do throws(SSPRError) {
            try proveIdentity(user: user, plan: plan, offerReply: offerReply, engine: engine, conversation: conversation,
                              progress: &progress)
            // What the old password also locks is said now, before a new one is asked (and nothing spent).
            keyrings = try checkHome(user: user, engine: engine, conversation: conversation, progress: &progress)
            newPassword = try chooseAndCommit(change, engine: engine, conversation: conversation, progress: &progress)
        } catch {
            // The store failing (a fleet's server gone or too slow) mid-way: the user hears it is a passing
            // problem; nothing was spent (the spend is the commit's, and a failed commit says so itself).
            if error.isStoreProblem && progress.stage != .writing {
                conversation.log(.error, "reset for \(sanitisedName(user)) stopped: \(error)")
                try? tellNotAvailable(conversation, because: error)
            }
            recordNotCompleted(user: user, error: error, progress: progress, engine: engine, conversation: conversation)
            throw error
        }
        let used = progress.methods
        conversation.log(.notice, "password of \(sanitisedName(user)) reset with " + used.map(\.rawValue).joined(separator: ","))
        // Recorded before the user hears of it: the audit row, the cleared counters and the queued notices are in
        // the store before any further conversation round, so a helper killed while the application shows the
        // success line (RuntimeMaxSec, a caller's SIGKILL of su) leaves no changed password without record or
        // notice. Only the sending waits until after the result (the helper delivers the queued notices then).
        do {
            try engine.resetCompleted(user: user, methods: used, context: context, entry: target.directoryDN)
        } catch {
            // The password is changed; a failed audit write must not hide that from the user.
            conversation.log(.error, "reset for \(sanitisedName(user)) done, but the store could not record it: \(error)")
        }
        let signIn = policy.onSuccess == .login
        try? conversation.show(signIn ? [ResetMessages.resetDone] : [ResetMessages.resetDone, ResetMessages.loginAgain], asError: false)
        moveKeyrings(keyrings, user: user, engine: engine, conversation: conversation)
        return .completed(signIn: signIn, newPassword: signIn ? newPassword : nil)
    }

    /// Walks the gates, checking each proof without spending it; the methods and claims go into `progress`.
    /// A reply that cannot be a proof of the method (`ProofShape`) is refused before it is checked: it never
    /// counts toward the lockout, and a few of them end the reset as "too many attempts".
    private func proveIdentity(user: String, plan: ResetPlan, offerReply: String, engine: RecoveryEngine,
                               conversation: ResetConversation, progress: inout ResetProgress) throws(SSPRError) {
        var unavailable: [MethodKind] = []  // a code that could not be sent: offer the others
        var wrong = 0
        var unusable = 0
        func refuse(_ method: MethodKind, saying line: String) throws(SSPRError) {
            conversation.log(.notice, "reset for \(sanitisedName(user)): a reply that cannot be a \(method.rawValue) proof, not counted")
            try conversation.show([line], asError: true)
            unusable += 1
            if unusable >= ResetFlow.maximumUnusableReplies {
                progress.reason = "replies that cannot be proofs"
                try conversation.show([ResetMessages.tooManyAttempts] + helpdeskLines, asError: true)
                throw .tooManyAttempts
            }
        }
        while !plan.isSatisfied(by: progress.methods) {
            let choices = plan.choices(after: progress.methods).filter { !unavailable.contains($0) }
            guard !choices.isEmpty else {
                try tellNotAvailable(conversation)
                throw .notAvailable("no method left for the next gate")
            }
            let (method, fromMenu) = try choose(choices, step: progress.methods.count + 1, of: plan.gates, conversation: conversation)
            let proof: Proof
            switch try ask(method, user: user, engine: engine, conversation: conversation, confirmSending: !fromMenu) {
            case .unavailable:
                unavailable.append(method)
                continue
            case .notConfirmed:
                try refuse(method, saying: ResetMessages.codeNotSentNoEnter)
                continue
            case .proof(let given):
                guard ProofShape.canBe(given, of: method, offerReply: offerReply) else {
                    try refuse(method, saying: ResetMessages.notAProof(method))
                    continue
                }
                proof = given
            }
            // Counted toward lockout before it is checked, as every proof; a right one is not spent here.
            let checked = try engine.verifyUnspent(user: user, method: method, proof: proof, context: context)
            switch checked.outcome {
            case .accepted:
                progress.methods.append(method)
                if let claim = checked.claim { progress.claims.append(claim) }
            case .rejected(let lockedUntil):
                try conversation.show([ResetMessages.wrongProof], asError: true)
                if let lockedUntil {
                    try tellLocked(lockedUntil, conversation)
                    throw .lockedOut(until: lockedUntil)
                }
                wrong += 1
                if wrong >= ResetFlow.maximumWrongProofs {
                    progress.reason = "too many wrong proofs"
                    try conversation.show([ResetMessages.tooManyAttempts] + helpdeskLines, asError: true)
                    throw .tooManyAttempts
                }
            case .lockedOut(let until):
                try tellLocked(until, conversation)
                throw .lockedOut(until: until)
            }
        }
    }

    /// /etc/shadow's entry, or with a directory, the user's entry there (both refuse locked and expired accounts).
    private func checkAccount(user: String, directory: DirectoryConnection?, now: Int64) throws(SSPRError) -> PasswordTarget {
        guard let directory else { return .shadow(try ShadowAccountCheck.check(user: user, paths: paths)) }
        return .directory(try DirectoryAccount.check(user: user, directory: directory, paths: paths, now: now))
    }

    /// Asks for the new password and writes it. A password the directory's policy refuses for a reason the user
    /// can fix (too short, quality, history) is explained and asked for again, the proofs unspent, up to
    /// `passwordTries` writes; then the reset ends as when the local checks refuse every try.
    private func chooseAndCommit(_ change: PasswordChange, engine: RecoveryEngine, conversation: ResetConversation,
                                 progress: inout ResetProgress) throws(SSPRError) -> SecretBytes {
        var refused = 0
        while true {
            progress.stage = .choosingPassword
            let password = try choosePassword(change, conversation: conversation, progress: &progress)
            progress.stage = .writing
            guard let refusal = try commit(password, change: change, engine: engine, conversation: conversation,
                                           progress: &progress) else { return password }
            password.wipe()
            refused += 1
            if refused >= ResetFlow.passwordTries {
                progress.reason = refusal.reason
                try conversation.show([refusal.message, ResetMessages.tooManyAttempts, ResetMessages.nothingUsedUp] + helpdeskLines,
                                      asError: true)
                throw .tooManyAttempts
            }
            try conversation.show([refusal.message], asError: true)
        }
    }

    /// The new password; after the last refused one the user hears that nothing was used up.
    private func choosePassword(_ change: PasswordChange, conversation: ResetConversation,
                                progress: inout ResetProgress) throws(SSPRError) -> SecretBytes {
        do throws(SSPRError) {
            return try change.choose(conversation: conversation)
        } catch {
            if error == .tooManyAttempts {
                progress.reason = "password refused"
                try conversation.show([ResetMessages.tooManyAttempts, ResetMessages.nothingUsedUp] + helpdeskLines, asError: true)
            }
            throw error
        }
    }

    /// Spends the proofs and writes the password (`PasswordChange.commit`), telling the user when it fails.
    /// Returns the directory's refusal when the user can fix it (nothing said yet, proofs given back).
    private func commit(_ newPassword: SecretBytes, change: PasswordChange, engine: RecoveryEngine,
                        conversation: ResetConversation, progress: inout ResetProgress) throws(SSPRError) -> DirectoryRefusal? {
        do throws(PasswordChange.CommitFailure) {
            try change.commit(newPassword, spending: progress.claims, engine: engine, conversation: conversation)
            return nil
        } catch {
            switch error {
            case .proofUsedMeanwhile:
                progress.reason = "a proof was used by another reset meanwhile"
                conversation.log(.notice, "reset for \(sanitisedName(change.user)) lost a race: a proof was used by another reset meanwhile")
                try? conversation.show([ResetMessages.proofUsedMeanwhile] + helpdeskLines, asError: true)
                throw .passwordUpdateFailed("a proof was used by another reset meanwhile")
            case .failed(let failure, let kept):
                progress.proofsKept = kept
                conversation.log(.error, "reset for \(sanitisedName(change.user)) failed: \(failure)")
                try? conversation.show([failure.isStoreProblem ? ResetMessages.notAvailableNow : ResetMessages.resetFailed]
                                       + helpdeskLines, asError: true)
                throw failure
            case .outcomeUnknown(let why):
                // Spent, recorded and notified as a reset (result "unknown"): the owner must hear of a password
                // that may have changed, and the proofs that may have changed it are not handed out again.
                progress.proofsKept = false
                progress.recorded = true
                conversation.log(.error, "reset for \(sanitisedName(change.user)): \(why)")
                do {
                    try engine.resetCompleted(user: change.user, methods: progress.methods, context: context,
                                              entry: change.target.directoryDN, result: "unknown")
                } catch {
                    conversation.log(.error, "reset for \(sanitisedName(change.user)) may have changed the password, and the store could not record it: \(error)")
                }
                try? conversation.show([ResetMessages.mayHaveChanged] + helpdeskLines, asError: true)
                throw .passwordUpdateFailed("the directory's answer was lost")
            case .refused(let refusal, let kept):
                progress.proofsKept = kept
                conversation.log(.notice, "reset for \(sanitisedName(change.user)): \(refusal.reason)")
                if refusal.userCanFix && kept { return refusal }
                progress.reason = refusal.reason
                try? conversation.show([refusal.message] + (kept ? [ResetMessages.nothingUsedUp] : []) + helpdeskLines, asError: true)
                throw .passwordUpdateFailed(refusal.reason)
            }
        }
    }

    /// Audits a reset that began and did not change the password, with its reason (never a secret).
    private func recordNotCompleted(user: String, error: SSPRError, progress: ResetProgress, engine: RecoveryEngine,
                                    conversation: ResetConversation) {
        guard !progress.recorded else { return }
        let reason = progress.reason(for: error)
        conversation.log(.notice, "reset for \(sanitisedName(user)) not completed: \(reason)")
        do {
            try engine.resetNotCompleted(user: sanitisedName(user), abandoned: progress.isAbandoned(error), reason: reason,
                                         proved: progress.methods, proofsKept: progress.proofsKept, context: context)
        } catch {
            conversation.log(.error, "reset for \(sanitisedName(user)) not completed, and the store could not record it: \(error)")
        }
    }

    /// The method for the next proof, and whether the user picked it from a menu (a step that a client replaying
    /// one text cannot pass).
    private func choose(_ choices: [MethodKind], step: Int, of gates: Int,
                        conversation: ResetConversation) throws(SSPRError) -> (MethodKind, fromMenu: Bool) {
        if choices.count == 1, let only = choices.first {
            // With one choice there is no menu; a second gate still says which step this is.
            if gates > 1 { try conversation.show([ResetMessages.verifyHeader(step: step, of: gates)], asError: false) }
            return (only, false)
        }
        var menu = [ResetMessages.verifyHeader(step: step, of: gates)]
        for (index, method) in choices.enumerated() { menu.append("  \(index + 1). \(method.localizedName)") }
        try conversation.show(menu, asError: false)
        for _ in 0..<ResetFlow.maximumChoiceErrors {
            let reply = try conversation.prompt(ResetMessages.chooseMethod(choices.count), echo: true)
            let text = trim(String(decoding: reply.bytes, as: UTF8.self))
            if let n = Int(text), n >= 1, n <= choices.count { return (choices[n - 1], true) }
            try conversation.show([ResetMessages.invalidChoice(choices.count)], asError: true)
        }
        try conversation.show([ResetMessages.tooManyAttempts] + helpdeskLines, asError: true)
        throw .tooManyAttempts
    }

    /// What asking for a proof gave.
    private enum Asked {
        case proof(Proof)
        /// A code that could not be sent now: offer the other methods.
        case unavailable
        /// The user did not press Enter to have a code sent: nothing was sent.
        case notConfirmed
    }

    /// The proof for `method`. A code by e-mail or text message is sent only after a step a client replaying one
    /// text cannot pass: the menu, or else (`confirmSending`) an empty reply to "Press Enter to send a code".
    private func ask(_ method: MethodKind, user: String, engine: RecoveryEngine, conversation: ResetConversation,
                     confirmSending: Bool) throws(SSPRError) -> Asked {
        switch method {
        case .totp: return .proof(.code(try conversation.prompt(ResetMessages.totpPrompt, echo: false)))
        case .recoveryCode: return .proof(.code(try conversation.prompt(ResetMessages.recoveryCodePrompt, echo: false)))
        case .tap: return .proof(.code(try conversation.prompt(ResetMessages.passPrompt, echo: false)))
        case .questions:
            var answers: [QuestionsMethod.Answer] = []
            for question in try engine.questions.pick(user: user) {
                let reply = try conversation.prompt(ResetMessages.question(question.text), echo: false)
                answers.append(QuestionsMethod.Answer(questionID: question.id, answer: reply))
            }
            return .proof(.answers(answers))
        case .email, .sms:
            if confirmSending, let destination = try engine.contactCodes.destination(user: user, kind: method) {
                let reply = try conversation.prompt(ResetMessages.sendCodePrompt(ContactAddress.mask(destination, kind: method)),
                                                    echo: true)
                guard trim(String(decoding: reply.bytes, as: UTF8.self)).isEmpty else { return .notConfirmed }
            }
            switch try engine.sendLoginCode(user: user, kind: method, context: context) {
            case .sent(let masked):
                return .proof(.code(try conversation.prompt(ResetMessages.codeSentPrompt(masked), echo: false)))
            case .throttled:
                try conversation.show([ResetMessages.tooManyCodes], asError: true)
            case .failed(let reason):
                conversation.log(.warning, "code for \(sanitisedName(user)) not sent: \(reason)")
                try conversation.show([ResetMessages.codeNotSent], asError: true)
            case .notRegistered:
                try conversation.show([ResetMessages.codeNotSent], asError: true)
            }
            return .unavailable
        }
    }

    private var helpdeskLines: [String] { policy.helpdesk.map { [$0] } ?? [] }

    private func tellNotAvailable(_ conversation: ResetConversation) throws(SSPRError) {
        try conversation.show([ResetMessages.notAvailable] + helpdeskLines, asError: true)
    }

    /// "Not available for this account" for what is about the account; "not available right now" when the
    /// store could not be reached or failed, which says nothing about the account and may pass.
    private func tellNotAvailable(_ conversation: ResetConversation, because error: SSPRError) throws(SSPRError) {
        guard error.isStoreProblem else { return try tellNotAvailable(conversation) }
        try conversation.show([ResetMessages.notAvailableNow] + helpdeskLines, asError: true)
    }

    private func tellLocked(_ until: Int64, _ conversation: ResetConversation) throws(SSPRError) {
        // The zone is part of the time ("23:19 UTC"): the user may be anywhere the machine is not.
        try conversation.show([ResetMessages.lockedUntil(SystemClock.localTime(until))] + helpdeskLines, asError: true)
    }

    /// "y" or "yes" in any case, with surrounding white space, in every locale; and the locale's own yes
    /// ("ja"/"j", "oui"/"o", "sí"/"s": `Translation.isLocaleYes`), since the offer asks in its language.
    static func isYes(_ reply: SecretBytes) -> Bool {
        let text = trim(String(decoding: reply.bytes, as: UTF8.self)).lowercased()
        return text == "y" || text == "yes" || Translation.isLocaleYes(text)
    }

    private func sanitisedName(_ user: String) -> String {
        isPlausibleUserName(user) ? user : "(invalid name)"
    }
}
