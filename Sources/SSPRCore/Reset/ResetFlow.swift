import SSPRSystem

/// "Forgot your password?" (SPEC section 5): the offer, the gates, the proofs, the new password, the write.
///
/// Guarantees: after the user says yes, every failure ends the flow with a non-success result and nothing
/// written; unknown, unregistered, admin-locked, passwordless and expired accounts see the same words and the
/// same number of prompts; a user sees at most `maximumWrongProofs` wrong proofs in one conversation, and every
/// proof counts toward the store's lockout.
public struct ResetFlow {
    public static let maximumWrongProofs = 3
    public static let maximumChoiceErrors = 3
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

        let engine: RecoveryEngine
        do { engine = try openEngine() } catch {
            conversation.log(.error, "reset for \(sanitisedName(user)) not possible: \(error)")
            try tellNotAvailable(conversation)
            throw error
        }
        try? engine.audit.record(.offer, user: sanitisedName(user), result: "yes", context: context, at: engine.now)

        let plan: ResetPlan
        let account: ShadowAccountCheck.Result
        do throws(SSPRError) {
            if let requiredUID, engine.accounts.account(named: user)?.uid != requiredUID {
                throw SSPRError.notAvailable("not the caller's own account")
            }
            plan = try engine.plan(for: user)
            account = try ShadowAccountCheck.check(user: user, paths: paths)
        } catch {
            switch error {
            case .lockedOut(let until): try tellLocked(until, conversation)
            default:
                conversation.log(.notice, "reset for \(sanitisedName(user)) not available: \(error)")
                try tellNotAvailable(conversation)
            }
            throw error
        }

        let used = try proveIdentity(user: user, plan: plan, engine: engine, conversation: conversation)
        let change = PasswordChange(paths: paths, policy: policy, user: user, uid: account.uid, currentHash: account.hash)
        let newPassword = try change.choose(conversation: conversation)
        do {
            try change.commit(newPassword, conversation: conversation)
        } catch {
            conversation.log(.error, "reset for \(sanitisedName(user)) failed: \(error)")
            try? conversation.show([ResetMessages.resetFailed] + helpdeskLines, asError: true)
            throw error
        }
        conversation.log(.notice, "password of \(sanitisedName(user)) reset with " + used.map(\.rawValue).joined(separator: ","))
        let signIn = policy.onSuccess == .login
        try? conversation.show(signIn ? [ResetMessages.resetDone] : [ResetMessages.resetDone, ResetMessages.loginAgain], asError: false)
        // After the success message: clearing the counters, the audit record and the notices (bounded by the
        // sender's timeout) never delay it.
        do {
            try engine.resetCompleted(user: user, methods: used, context: context)
        } catch {
            // The password is changed; a failed audit write must not hide that from the user.
            conversation.log(.error, "reset for \(sanitisedName(user)) done, but the store could not record it: \(error)")
        }
        return .completed(signIn: signIn, newPassword: signIn ? newPassword : nil)
    }

    /// Walks the gates; returns the methods proved.
    private func proveIdentity(user: String, plan: ResetPlan, engine: RecoveryEngine,
                               conversation: ResetConversation) throws(SSPRError) -> [MethodKind] {
        var used: [MethodKind] = []
        var unavailable: [MethodKind] = []  // a code that could not be sent: offer the others
        var wrong = 0
        while !plan.isSatisfied(by: used) {
            let choices = plan.choices(after: used).filter { !unavailable.contains($0) }
            guard !choices.isEmpty else {
                try tellNotAvailable(conversation)
                throw .notAvailable("no method left for the next gate")
            }
            let method = try choose(choices, step: used.count + 1, of: plan.gates, conversation: conversation)
            guard let proof = try ask(method, user: user, engine: engine, conversation: conversation) else {
                unavailable.append(method)
                continue
            }
            switch try engine.verify(user: user, method: method, proof: proof, context: context) {
            case .accepted:
                used.append(method)
            case .rejected(let lockedUntil):
                try conversation.show([ResetMessages.wrongProof], asError: true)
                if let lockedUntil {
                    try tellLocked(lockedUntil, conversation)
                    throw .lockedOut(until: lockedUntil)
                }
                wrong += 1
                if wrong >= ResetFlow.maximumWrongProofs { throw .tooManyAttempts }
            case .lockedOut(let until):
                try tellLocked(until, conversation)
                throw .lockedOut(until: until)
            }
        }
        return used
    }

    private func choose(_ choices: [MethodKind], step: Int, of gates: Int,
                        conversation: ResetConversation) throws(SSPRError) -> MethodKind {
        if choices.count == 1, let only = choices.first {
            // With one choice there is no menu; a second gate still says which step this is.
            if gates > 1 { try conversation.show([ResetMessages.verifyHeader(step: step, of: gates)], asError: false) }
            return only
        }
        var menu = [ResetMessages.verifyHeader(step: step, of: gates)]
        for (index, method) in choices.enumerated() { menu.append("  \(index + 1). \(method.displayName)") }
        try conversation.show(menu, asError: false)
        for _ in 0..<ResetFlow.maximumChoiceErrors {
            let reply = try conversation.prompt(ResetMessages.chooseMethod(choices.count), echo: true)
            let text = trim(String(decoding: reply.bytes, as: UTF8.self))
            if let n = Int(text), n >= 1, n <= choices.count { return choices[n - 1] }
            try conversation.show([ResetMessages.invalidChoice(choices.count)], asError: true)
        }
        throw .tooManyAttempts
    }

    /// The proof for `method`, or nil when it cannot be asked for now (a code that could not be sent).
    private func ask(_ method: MethodKind, user: String, engine: RecoveryEngine,
                     conversation: ResetConversation) throws(SSPRError) -> Proof? {
        switch method {
        case .totp: return .code(try conversation.prompt(ResetMessages.totpPrompt, echo: false))
        case .recoveryCode: return .code(try conversation.prompt(ResetMessages.recoveryCodePrompt, echo: false))
        case .tap: return .code(try conversation.prompt(ResetMessages.passPrompt, echo: false))
        case .questions:
            var answers: [QuestionsMethod.Answer] = []
            for question in try engine.questions.pick(user: user) {
                let reply = try conversation.prompt(ResetMessages.question(question.text), echo: false)
                answers.append(QuestionsMethod.Answer(questionID: question.id, answer: reply))
            }
            return .answers(answers)
        case .email, .sms:
            switch try engine.sendLoginCode(user: user, kind: method, context: context) {
            case .sent(let masked):
                return .code(try conversation.prompt(ResetMessages.codeSentPrompt(masked), echo: false))
            case .throttled:
                try conversation.show([ResetMessages.tooManyCodes], asError: true)
            case .failed(let reason):
                conversation.log(.warning, "code for \(sanitisedName(user)) not sent: \(reason)")
                try conversation.show([ResetMessages.codeNotSent], asError: true)
            case .notRegistered:
                try conversation.show([ResetMessages.codeNotSent], asError: true)
            }
            return nil
        }
    }

    private var helpdeskLines: [String] { policy.helpdesk.map { [$0] } ?? [] }

    private func tellNotAvailable(_ conversation: ResetConversation) throws(SSPRError) {
        try conversation.show([ResetMessages.notAvailable] + helpdeskLines, asError: true)
    }

    private func tellLocked(_ until: Int64, _ conversation: ResetConversation) throws(SSPRError) {
        try conversation.show([ResetMessages.lockedUntil(SystemClock.localTime(until))] + helpdeskLines, asError: true)
    }

    /// "y" or "yes" in any case, with surrounding white space.
    static func isYes(_ reply: SecretBytes) -> Bool {
        let text = trim(String(decoding: reply.bytes, as: UTF8.self)).lowercased()
        return text == "y" || text == "yes"
    }

    private func sanitisedName(_ user: String) -> String {
        isPlausibleUserName(user) ? user : "(invalid name)"
    }
}
