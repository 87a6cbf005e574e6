// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The one engine behind the PAM module, the daemon and the CLI: registrations, proofs with lockout, admin
/// operations and audit. It knows nothing of PAM; front ends translate.
public final class RecoveryEngine {
    public typealias Clock = @Sendable () -> Int64

    public let paths: SystemPaths
    public let policy: Policy
    public let store: Store
    public let accounts: AccountDirectory
    let clock: Clock
    /// sudo's answer per account for the life of this engine (one reset, one request, one report).
    private var sudoAnswers: [String: Bool] = [:]

    public var totp: TOTPMethod { TOTPMethod(store: store) }
    public var questions: QuestionsMethod { QuestionsMethod(store: store, policy: policy) }
    public var recoveryCodes: RecoveryCodeMethod { RecoveryCodeMethod(store: store) }
    public var passes: TemporaryPassMethod { TemporaryPassMethod(store: store) }
    public var failures: FailureCounter { FailureCounter(store: store, policy: policy) }
    public var audit: AuditLog {
        AuditLog(store: store, retentionDays: policy.auditDays,
                 journal: JournalWriter(socketPath: paths.path("/run/systemd/journal/socket")))
    }
    public var bindings: AccountBinding { AccountBinding(store: store) }
    public var passwordThrottle: PasswordThrottle { PasswordThrottle(store: store) }

    public init(paths: SystemPaths, policy: Policy, store: Store, clock: @escaping Clock = { SystemClock.now() }) {
        self.paths = paths
        self.policy = policy
        self.store = store
        self.accounts = AccountDirectory(paths: paths)
        self.clock = clock
    }

    /// Opens the store named by the policy (under the sandbox root).
    public static func open(paths: SystemPaths, policy: Policy, create: Bool,
                            busyTimeoutMilliseconds: Int32 = Store.busyTimeoutMilliseconds,
                            storeTimeoutMilliseconds: Int? = nil,
                            clock: @escaping Clock = { SystemClock.now() }) throws(SSPRError) -> RecoveryEngine {
        let store = try Store.open(location: policy.store, paths: paths, create: create,
                                   busyTimeoutMilliseconds: busyTimeoutMilliseconds,
                                   timeoutMilliseconds: storeTimeoutMilliseconds ?? Int(policy.storeTimeout) * 1000)
        let engine = RecoveryEngine(paths: paths, policy: policy, store: store, clock: clock)
        try engine.bindRegistrationsFromBeforeBinding()
        return engine
    }

    public var now: Int64 { clock() }

    // MARK: Registration state

    /// Methods the user has registered that the policy allows, in menu order.
    public func registeredMethods(_ user: String) throws(SSPRError) -> [MethodKind] {
        let t = now
        var result: [MethodKind] = []
        let kinds = try store.query("SELECT kind FROM methods WHERE user = ?", [.text(user)]).compactMap { $0.first?.text }
        if kinds.contains("totp") { result.append(.totp) }
        if kinds.contains("questions"), try questions.questions(user: user).count >= policy.questionsToReset {
            result.append(.questions)
        }
        if try recoveryCodes.remaining(user: user) > 0 { result.append(.recoveryCode) }
        if kinds.contains("email") { result.append(.email) }
        if kinds.contains("sms") { result.append(.sms) }
        if try passes.activePassExpiry(user: user, now: t) != nil { result.append(.tap) }
        return result.filter { policy.allows($0) }.sorted()
    }

    /// True when the policy enables the reset for this account (`enabled`).
    public func isEnabled(for account: Account) -> Bool {
        switch policy.enabled {
        case .all: return true
        case .none: return false
        case .group(let name): return account.groups.contains(name)
        }
    }

    /// Gets the admin gates (two methods, no questions): root always, every member of `admin_groups` (by default
    /// also the root-equivalent groups: docker, lxd, disk, libvirt), and, on the real system, every account sudo
    /// grants a rule (`SudoRules`; not in a sandbox root, whose accounts sudo does not know). Only root
    /// administers these accounts through ssprd and the CLI.
    public func isAdmin(_ account: Account) -> Bool {
        if account.uid == 0 || account.isMember(ofAny: policy.adminGroups) { return true }
        guard !paths.isSandboxed else { return false }
        if let known = sudoAnswers[account.name] { return known }
        let granted = SudoRules.grantsAnything(to: account.name)
        sudoAnswers[account.name] = granted
        return granted
    }

    /// The reset plan for `user`, or why there is none. `notAvailable` reasons are for logs only.
    public func plan(for user: String, context: AuditContext = AuditContext()) throws(SSPRError) -> ResetPlan {
        if let until = try failures.lockedUntil(user, now: now) { throw .lockedOut(until: until) }
        guard let account = accounts.account(named: user) else { throw .notAvailable("no such account") }
        guard account.uid != 0 || policy.allowRoot else { throw .notAvailable("allow_root = no: root is never reset") }
        guard isEnabled(for: account) else { throw .notAvailable("the policy does not enable the reset for this account") }
        try requireBinding(user, account: account, context: context)
        let admin = isAdmin(account)
        let all = try registeredMethods(user)
        let registered = try countingMethods(all, account: account, admin: admin)
        guard let plan = ResetPlan.make(policy: policy, registered: registered, isAdmin: admin) else {
            throw .notAvailable(registered.count < all.count
                                ? "not enough methods registered (those a helpdesk member set up do not count for an administrator)"
                                : "not enough methods registered")
        }
        return plan
    }

    // MARK: Proofs

    /// Checks one proof for `method`, with lockout: an attempt is counted as a failure *before* the check and
    /// the count is withdrawn only on success, so concurrent guesses can never exceed `max_failures`.
    /// Registrations that belong to another account (or none) are "not available", audited, and not checked.
    /// A helpdesk member's checks also spend their own budget for the account (`helpdeskBudget`).
    public func verify(user: String, method: MethodKind, proof: Proof, context: AuditContext) throws(SSPRError) -> ProofOutcome {
        try requireBinding(user, account: accounts.account(named: user), context: context)
        let budget = helpdeskBudget(user: user, context: context)
        if let budget, let until = try failures.lockedUntil(budget, now: now) { return .lockedOut(until: until) }
        let outcome = try attempt(user: user, method: method, context: context) { () throws(SSPRError) -> Bool in
            try check(user: user, method: method, proof: proof, now: now)
        }
        if let budget, case .rejected(let lockedUntil) = outcome,
           let spent = try spendHelpdeskBudget(budget, method: method, context: context) {
            return .rejected(lockedUntil: lockedUntil ?? spent)
        }
        return outcome
    }

    /// How long an attempt waits for proofs being checked at the same moment to end, when together with the
    /// settled failures they reach `max_failures`.
    static let inFlightWaitMilliseconds: Int64 = 3_000

    /// The lockout discipline around one check: recorded (in flight) before, withdrawn on success, settled as
    /// a failure otherwise. Settled failures plus attempts in flight never exceed `max_failures`, so concurrent
    /// guesses cannot either; an attempt that would go past it waits for the checks in flight to end. Only
    /// settled failures start a lockout: right proofs checked at the same moment never do (after the wait,
    /// attempts still in flight are counted as failures: a check that does not end is one).
    func attempt(user: String, method: MethodKind, context: AuditContext,
                         _ check: () throws(SSPRError) -> Bool) throws(SSPRError) -> ProofOutcome {
        let t = now
        let counter = failures
        let event: AuditEvent = .proof
        var startedLockout: Int64? = nil
        let waitUntil = SystemClock.monotonicMilliseconds() + RecoveryEngine.inFlightWaitMilliseconds
        var attempt: Int64? = nil
        while true {
            var waiting = false
            attempt = try store.transaction { () throws(SSPRError) -> Int64? in
                if try counter.lockedUntil(user, now: t) != nil { return nil }
                let counts = try counter.counts(user, now: t)
                let full = counts.settled + counts.inFlight >= policy.maxFailures
                if full && counts.settled < policy.maxFailures && SystemClock.monotonicMilliseconds() < waitUntil {
                    waiting = true
                    return nil
                }
                if full {
                    let lock = try counter.lockOut(user, now: t)
                    if lock.started { startedLockout = lock.until }
                    return nil
                }
                return try counter.recordAttempt(user, method: method, now: t)
            }
            guard waiting else { break }
            SystemClock.sleep(milliseconds: 10)
        }
        guard let attempt else {
            let until = try failures.lockedUntil(user, now: t) ?? t + policy.lockout
            try audit.record(event, user: user, method: method, result: "locked", context: context, at: t)
            if let startedLockout { try auditLockout(user, until: startedLockout, context: context, at: t) }
            return .lockedOut(until: until)
        }
        let right: Bool
        do { right = try check() } catch {
            // A check that failed (the store, say) counts as a failure, as before the in-flight mark.
            try? counter.settle(attempt)
            throw error
        }
        if right {
            _ = try store.run("DELETE FROM failures WHERE rowid = ?", [.integer(attempt)])
            try audit.record(event, user: user, method: method, result: "pass", context: context, at: t)
            return .accepted
        }
        let lock = try store.transaction { () throws(SSPRError) -> (until: Int64, started: Bool)? in
            try counter.settle(attempt)
            return try counter.counts(user, now: t).settled >= policy.maxFailures ? try counter.lockOut(user, now: t) : nil
        }
        try audit.record(event, user: user, method: method, result: "fail", context: context, at: t)
        if let lock, lock.started { try auditLockout(user, until: lock.until, context: context, at: t) }
        return .rejected(lockedUntil: lock?.until)
    }

    /// One audit record per lockout (SPEC 9), written by the attempt that started it.
    private func auditLockout(_ user: String, until: Int64, context: AuditContext, at t: Int64) throws(SSPRError) {
        try audit.record(.lockout, user: user, detail: "until \(SystemClock.utcTimestamp(until))", context: context, at: t)
    }

    private func check(user: String, method: MethodKind, proof: Proof, now t: Int64) throws(SSPRError) -> Bool {
        switch (method, proof) {
        case (.totp, .code(let code)): return try totp.verify(user: user, code: code, now: t)
        case (.recoveryCode, .code(let code)): return try recoveryCodes.redeem(user: user, typed: code, now: t)
        case (.tap, .code(let code)): return try passes.verify(user: user, typed: code, now: t)
        case (.questions, .answers(let answers)): return try questions.verify(user: user, answers: answers)
        case (.email, .code(let code)), (.sms, .code(let code)):
            return try contactCodes.redeem(user: user, kind: method, purpose: .login, typed: code, now: t) != nil
        case (.totp, .answers), (.recoveryCode, .answers), (.tap, .answers), (.questions, .code), (.email, .answers), (.sms, .answers):
            return false
        }
    }

    /// After a completed reset: forget failures, record it and queue its notices, in one transaction (the
    /// notice exists exactly when the reset is recorded; `NoticeDelivery` sends it).
    /// `entry` is the directory entry written (`password_store = ldap`), named in the audit; `result` is "pass",
    /// or "unknown" when the directory's answer to the write was lost and it could not be asked again.
    public func resetCompleted(user: String, methods: [MethodKind], context: AuditContext, entry: String? = nil,
                               result: String = "pass") throws(SSPRError) {
        let t = now
        try store.transaction { () throws(SSPRError) in
            try failures.clear(user)
            try audit.record(.reset, user: user, result: result,
                             detail: "methods " + methods.map(\.rawValue).joined(separator: ",") + (entry.map { "; entry \($0)" } ?? ""),
                             context: context, at: t)
            try queueNotices(.reset(methods: methods), user: user, context: context, at: t)
        }
    }

    // MARK: Administration

    /// Self-service TOTP registration: stored only when `code` shows the user's app produces the secret's codes.
    public func registerTOTP(user: String, secret: SecretBytes, code: SecretBytes, context: AuditContext) throws(SSPRError) -> Bool {
        let account = try requireRegistrableAccount(user, context: context)
        let t = now
        let stored = try store.transaction { () throws(SSPRError) -> Bool in
            try bindings.bind(user, uid: account.uid, now: t)
            let stored = try totp.register(user: user, secret: secret, code: code, now: t)
            if stored {
                try recordSetter(user, kind: .totp, context: context)
                try queueNotices(.methodAdded(.totp), user: user, context: context, at: t)
            } else {
                try bindings.releaseIfEmpty(user)
            }
            return stored
        }
        try audit.record(.register, user: user, method: .totp, result: stored ? "pass" : "fail", context: context, at: t)
        return stored
    }

    public func enrollTOTP(user: String, secret: SecretBytes, context: AuditContext) throws(SSPRError) {
        let account = try requireRegistrableAccount(user, context: context)
        let t = now
        try store.transaction { () throws(SSPRError) in
            try bindings.bind(user, uid: account.uid, now: t)
            try totp.enroll(user: user, secret: secret, now: t)
            try recordSetter(user, kind: .totp, context: context)
            try queueNotices(.methodAdded(.totp), user: user, context: context, at: t)
        }
        try audit.record(registrationEvent(user, context), user: user, method: .totp, result: "pass", context: context, at: t)
    }

    public func enrollQuestions(user: String, answers: [QuestionsMethod.Answer], catalogue: QuestionCatalogue,
                                context: AuditContext) throws(SSPRError) {
        let account = try requireRegistrableAccount(user, context: context)
        let t = now
        try store.transaction { () throws(SSPRError) in
            try bindings.bind(user, uid: account.uid, now: t)
            try questions.enroll(user: user, answers: answers, catalogue: catalogue, now: t)
            try recordSetter(user, kind: .questions, context: context)
            try queueNotices(.methodAdded(.questions), user: user, context: context, at: t)
        }
        try audit.record(registrationEvent(user, context), user: user, method: .questions, result: "pass", context: context, at: t)
    }

    public func generateRecoveryCodes(user: String, context: AuditContext) throws(SSPRError) -> [SecretBytes] {
        let account = try requireRegistrableAccount(user, context: context)
        let t = now
        let codes = try store.transaction { () throws(SSPRError) in
            try bindings.bind(user, uid: account.uid, now: t)
            let codes = try recoveryCodes.generate(user: user, now: t)
            try recordSetter(user, kind: .recoveryCode, context: context)
            try queueNotices(.methodAdded(.recoveryCode), user: user, context: context, at: t)
            return codes
        }
        try audit.record(registrationEvent(user, context), user: user, method: .recoveryCode, result: "pass", context: context, at: t)
        return codes
    }

    public func issuePass(user: String, lifetime: Int64, reusable: Bool, context: AuditContext) throws(SSPRError) -> SecretBytes {
        guard policy.allows(.tap) else { throw .invalidInput("the policy does not allow temporary access passes (methods)") }
        let account = try requireRegistrableAccount(user, context: context)
        let t = now
        let pass = try store.transaction { () throws(SSPRError) in
            try bindings.bind(user, uid: account.uid, now: t)
            let pass = try passes.issue(user: user, lifetime: lifetime, reusable: reusable, issuedBy: context.actor, now: t)
            try queueNotices(.passIssued, user: user, context: context, at: t)
            return pass
        }
        try audit.record(.passIssued, user: user, method: .tap, result: "pass",
                         detail: "expires \(SystemClock.utcTimestamp(t + lifetime))\(reusable ? ", reusable" : "")",
                         context: context, at: t)
        return pass
    }

    public func unlock(user: String, context: AuditContext) throws(SSPRError) {
        let t = now
        try store.transaction { () throws(SSPRError) in try failures.clear(user) }
        try audit.record(.unlock, user: user, result: "pass", context: context, at: t)
    }

    /// Removes one method, or all of them (method nil). Returns how many registrations were removed.
    @discardableResult
    public func remove(user: String, method: MethodKind?, context: AuditContext) throws(SSPRError) -> Int {
        let t = now
        let formerEmail = try contactCodes.destination(user: user, kind: .email)
        let removed = try store.transaction { () throws(SSPRError) -> Int in
            var n = 0
            for kind in method.map({ [$0] }) ?? MethodKind.allCases {
                switch kind {
                case .questions: n += try store.run("DELETE FROM questions WHERE user = ?", [.text(user)]) > 0 ? 1 : 0
                case .recoveryCode: n += try store.run("DELETE FROM recovery_codes WHERE user = ?", [.text(user)]) > 0 ? 1 : 0
                case .tap: n += try store.run("DELETE FROM passes WHERE user = ?", [.text(user)]) > 0 ? 1 : 0
                case .totp, .email, .sms: break
                }
                if kind != .tap {
                    let rows = try store.run("DELETE FROM methods WHERE user = ? AND kind = ?", [.text(user), .text(kind.rawValue)])
                    if kind == .totp || kind == .email || kind == .sms { n += rows }
                }
            }
            try bindings.releaseIfEmpty(user)
            if n > 0 {
                try queueNotices(.methodRemoved(method), user: user, context: context, formerEmails: formerEmail.map { [$0] } ?? [], at: t)
            }
            return n
        }
        try audit.record(.remove, user: user, method: method, result: removed > 0 ? "pass" : "none",
                         detail: method == nil ? "all methods" : "", context: context, at: t)
        return removed
    }

    /// Marks every registered method confirmed now.
    public func confirm(user: String, context: AuditContext) throws(SSPRError) {
        try requireBinding(user, account: accounts.account(named: user), context: context)
        let t = now
        try store.transaction { () throws(SSPRError) in
            _ = try store.run("UPDATE methods SET confirmed = ? WHERE user = ?", [.integer(t), .text(user)])
            try queueNotices(.methodsConfirmed, user: user, context: context, at: t)
        }
        try audit.record(.confirm, user: user, result: "pass", context: context, at: t)
    }

    public func report(user: String) throws(SSPRError) -> UserReport {
        let t = now
        let methods = try registeredMethods(user)
        let confirmed = try store.query("SELECT min(confirmed) FROM methods WHERE user = ?", [.text(user)]).first?.first?.integer ?? 0
        let due = policy.reconfirmDays > 0 && confirmed > 0 && t - confirmed > Int64(policy.reconfirmDays) * 86400
        let account = accounts.account(named: user)
        let admin = account.map(isAdmin) ?? false
        return UserReport(user: user, methods: methods, lastConfirmed: confirmed,
                          recoveryCodesLeft: try recoveryCodes.remaining(user: user), reconfirmDue: due,
                          lockedUntil: try failures.lockedUntil(user, now: t), recentFailures: try failures.failures(user, now: t),
                          meetsPolicy: ResetPlan.make(policy: policy, registered: methods.filter { $0 != .tap }, isAdmin: admin) != nil,
                          isAdmin: admin, account: try bindings.state(user, account: account))
    }

    /// Every user with a registration, a pass, failures or a lockout.
    public func reportAll() throws(SSPRError) -> [UserReport] {
        let users = try store.query("""
            SELECT user FROM methods UNION SELECT user FROM recovery_codes UNION SELECT user FROM passes
            UNION SELECT user FROM lockouts WHERE user NOT LIKE 'helpdesk:%'
            UNION SELECT user FROM failures WHERE user NOT LIKE 'helpdesk:%' ORDER BY user
            """).compactMap { $0.first?.text }
        var reports: [UserReport] = []
        for user in users { reports.append(try report(user: user)) }
        return reports
    }

    /// "register" when users change their own methods, "enroll" when an admin does it for them.
    func registrationEvent(_ user: String, _ context: AuditContext) -> AuditEvent {
        context.actor == user ? .register : .enroll
    }
}
