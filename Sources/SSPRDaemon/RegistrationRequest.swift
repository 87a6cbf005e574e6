// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOConcurrencyHelpers
import SSPRCore
import SSPRSystem
import SSPRVarlink

/// One call being answered: the caller, the parameters, the engine. Each method of the interface is one
/// function here; authorisation is decided by `target(mutating:)`, `requireAdmin()` and `requireAdmin(over:)`.
struct Request {
    static let enumeration = NIOLock()
    let service: RegistrationService
    let session: ConnectionSession
    let parameters: [String: JSONValue]
    let engine: RecoveryEngine

    var now: Int64 { engine.now }
    var configuration: DaemonConfiguration { service.configuration }
    /// The engine's policy: one policy for the whole call, even when a reload lands in the middle of it.
    var policy: Policy { engine.policy }

    var context: AuditContext {
        AuditContext(service: "ssprd", tty: "", rhost: "", actor: session.userName ?? "uid \(session.peer.uid)")
    }

    var isAuthenticated: Bool {
        session.peer.isRoot || session.isAuthenticated(now: now, lifetime: configuration.authenticationLifetimeSeconds)
    }

    /// The account a call acts on: the caller, or (for admins) the `user` parameter.
    func target(mutating: Bool) throws -> String {
        if let requested = parameters["user"] {
            guard let name = requested.string, isPlausibleUserName(name) else { throw RegistrationFailure.invalid("user", "not a user name") }
            if name != session.userName {
                try requireAdmin(over: name)
                guard engine.accounts.account(named: name) != nil else { throw RegistrationFailure(.noSuchUser) }
                return name
            }
        }
        guard let me = session.userName else { throw RegistrationFailure(.noSuchUser, ["reason": "the calling uid has no account"]) }
        if mutating && !isAuthenticated { throw RegistrationFailure(.notAuthenticated) }
        return me
    }

    func string(_ key: String, required: Bool = true, maximum: Int = 512) throws -> String? {
        guard let value = parameters[key] else {
            if required { throw RegistrationFailure.invalid(key, "missing") }
            return nil
        }
        guard let text = value.string else { throw RegistrationFailure.invalid(key, "must be a string") }
        guard text.utf8.count <= maximum else { throw RegistrationFailure.invalid(key, "longer than \(maximum) bytes") }
        return text
    }

    func method(_ key: String = "method") throws -> MethodKind {
        guard let name = try string(key, maximum: 64), let kind = MethodKind(name: name) else {
            throw RegistrationFailure.invalid(key, "not a method")
        }
        return kind
    }

    /// How long a proof of a method lets the user change their methods on this connection.
    static let methodProofLifetime: Int64 = 10 * 60

    /// Adding, replacing or removing a method of one's own, once there are any, needs a fresh proof of an
    /// existing one (docs/security.md, "Changing methods"): whoever holds the password or an unlocked session
    /// must not quietly move the recovery to themselves. Root and an admin acting on another account need none.
    func requireFreshProof(_ user: String) throws {
        guard !session.peer.isRoot, user == session.userName else { return }
        // Registrations made for another account of this name are no proof of anything: the call itself refuses.
        if try engine.bindings.state(user, account: engine.accounts.account(named: user)).isMismatch { return }
        let registered = try engine.registeredMethods(user).filter { $0 != .tap }
        // The connection that registers the first methods may finish setting them up (`sspr register`): whoever
        // has the password of an account without methods can add any anyway.
        if registered.isEmpty { return session.markMethodProved(at: now) }
        guard !session.hasFreshMethodProof(now: now, lifetime: Request.methodProofLifetime) else { return }
        throw RegistrationFailure(.proofRequired, ["methods": .array(registered.map { .string($0.rawValue) })])
    }

    /// The `answers` parameter: at most five {id, answer}, each answer at most 512 bytes. `list` says what the
    /// list must be when it is not one.
    func answers(list: String = "a list of {id, answer}") throws -> [QuestionsMethod.Answer] {
        guard let items = parameters["answers"]?.array, items.count <= 5 else { throw RegistrationFailure.invalid("answers", list) }
        return try items.map { item -> QuestionsMethod.Answer in
            guard let o = item.object, let id = o["id"]?.string, let a = o["answer"]?.string, a.utf8.count <= 512 else {
                throw RegistrationFailure.invalid("answers", "each answer is {id, answer}")
            }
            return QuestionsMethod.Answer(questionID: id, answer: SecretBytes(copying: a))
        }
    }

    func requireAllowed(_ kind: MethodKind) throws {
        guard policy.allows(kind) else { throw RegistrationFailure(.notAllowedByPolicy, ["method": .string(kind.rawValue)]) }
    }

    // MARK: User methods

    func getStatus() throws -> [String: JSONValue] {
        let user = try target(mutating: false)
        let report = try engine.report(user: user)
        let admin = report.isAdmin
        var result: [String: JSONValue] = [
            "user": .string(user),
            "authenticated": .bool(isAuthenticated),
            "methods": .array(report.methods.map { .string($0.rawValue) }),
            "meets_policy": .bool(report.meetsPolicy),
            "reconfirm_due": .bool(report.reconfirmDue),
            "recovery_codes_left": .number(Double(report.recoveryCodesLeft)),
            "gates": .number(Double(admin ? 2 : policy.methodsRequired)),
            "allowed_methods": .array(policy.methods.filter { policy.allows($0) && $0.isUserRegistered && !(admin && $0 == .questions) }.map { .string($0.rawValue) }),
            "questions_to_register": .number(Double(policy.questionsToRegister)),
        ]
        if report.lastConfirmed > 0 { result["last_confirmed"] = .number(Double(report.lastConfirmed)) }
        if let until = report.lockedUntil { result["locked_until"] = .number(Double(until)) }
        return result
    }

    /// The caller's own password (never another account's: the name comes from SO_PEERCRED). Throttled per
    /// account and per peer uid, apart from the reset lockout (see `RecoveryEngine.verifyAccountPassword`).
    func authenticate() throws -> [String: JSONValue] {
        guard let name = session.userName else { throw RegistrationFailure(.authenticationFailed) }
        guard let typed = try string("password", maximum: 512) else { throw RegistrationFailure(.authenticationFailed) }
        let password = SecretBytes(copying: typed)
        switch try engine.verifyAccountPassword(user: name, password: password, peer: "uid \(session.peer.uid)", context: context) {
        case .accepted:
            session.markAuthenticated(at: now)
            return ["expires": .number(Double(now + configuration.authenticationLifetimeSeconds))]
        case .rejected:
            throw RegistrationFailure(.authenticationFailed)
        case .throttled(let until):
            throw RegistrationFailure(.rateLimited, ["reason": .string("too many wrong passwords; try again after \(SystemClock.localTime(until))"),
                                                     "until": .number(Double(until))])
        }
    }

    func beginTOTP() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        try requireAllowed(.totp)
        try requireFreshProof(user)
        let secret = try TOTPMethod.newSecret()
        guard let encoded = OATH.base32Encode(secret) else { throw RegistrationFailure(.internalError) }
        session.setPendingSecret(secret)
        let text = String(decoding: encoded.bytes, as: UTF8.self)
        return ["secret": .string(text),
                "uri": .string(TOTPProvisioning.uri(user: user, base32Secret: text, hostLabel: policy.hostLabel))]
    }

    func confirmTOTP() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        guard let code = try string("code", maximum: 16) else { throw RegistrationFailure(.invalidCode) }
        guard let secret = session.takePendingSecret() else { throw RegistrationFailure(.noPendingSecret) }
        if try engine.registerTOTP(user: user, secret: secret, code: SecretBytes(copying: code), context: context) {
            return [:]
        }
        session.setPendingSecret(secret)  // let the user try the next code
        throw RegistrationFailure(.invalidCode)
    }

    func getQuestions() throws -> [String: JSONValue] {
        let user = try target(mutating: false)
        let registered = try engine.questions.questions(user: user)
        return ["questions": .array(service.catalogue.questions.map { .object(["id": .string($0.id), "text": .string($0.text)]) }),
                "chosen": .array(registered.map { .string($0.id) }),
                // The user's questions as registered (the catalogue's wording may have changed since), for the
                // helpdesk's `sspr admin verify USER questions`.
                "registered": .array(registered.map { .object(["id": .string($0.id), "text": .string($0.text)]) }),
                "to_register": .number(Double(policy.questionsToRegister)),
                "to_reset": .number(Double(policy.questionsToReset))]
    }

    func setQuestions() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        try requireAllowed(.questions)
        try requireFreshProof(user)
        let answers = try self.answers(list: "a list of 3 to 5 {id, answer}")
        try engine.enrollQuestions(user: user, answers: answers, catalogue: service.catalogue, context: context)
        return [:]
    }

    func generateRecoveryCodes() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        try requireAllowed(.recoveryCode)
        try requireFreshProof(user)
        let codes = try engine.generateRecoveryCodes(user: user, context: context)
        return ["codes": .array(codes.map { .string(String(decoding: $0.bytes, as: UTF8.self)) })]
    }

    func removeMethod() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        let kind = try method()
        try requireFreshProof(user)
        let removed = try engine.remove(user: user, method: kind, context: context)
        if removed == 0 { throw RegistrationFailure(.notRegistered, ["method": .string(kind.rawValue)]) }
        return [:]
    }

    func confirm() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        try engine.confirm(user: user, context: context)
        return [:]
    }

    /// Sends a code to the address or number being registered (`method`: email or sms, `destination`).
    func beginContact() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        let kind = try method()
        guard kind == .email || kind == .sms else { throw RegistrationFailure.invalid("method", "email or sms") }
        try requireAllowed(kind)
        try requireFreshProof(user)
        guard let destination = try string("destination", maximum: 254) else { throw RegistrationFailure.invalid("destination", "missing") }
        return try sendCode(user: user, kind: kind, destination: destination)
    }

    /// A registration code to `destination`: sent here, or by the deliverer where ssprd runs under its unit.
    private func sendCode(user: String, kind: MethodKind, destination: String) throws -> [String: JSONValue] {
        let delivery: CodeDelivery
        if let path = service.configuration.outboxTrigger {
            // Under its unit ssprd cannot run a sender: the deliverer makes and sends the code.
            let id = try engine.requestContactCode(user: user, kind: kind, typed: destination, context: context)
            delivery = try CodeRequestWait(engine: engine, trigger: OutboxTrigger(path: path)).outcome(of: id)
        } else {
            delivery = try engine.beginContactRegistration(user: user, kind: kind, typed: destination, context: context)
        }
        switch delivery {
        case .sent(let masked): return ["sent_to": .string(masked)]
        case .throttled: throw RegistrationFailure(.rateLimited, ["reason": "max_codes per hour reached"])
        case .failed: throw RegistrationFailure(.sendFailed)
        case .notRegistered: throw RegistrationFailure(.notRegistered)
        }
    }

    /// The code the user received; the address it went to is registered.
    func confirmContact() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        let kind = try method()
        guard let code = try string("code", maximum: 16) else { throw RegistrationFailure(.invalidCode) }
        switch try engine.confirmContactRegistration(user: user, kind: kind, code: SecretBytes(copying: code), context: context) {
        case .accepted: return [:]
        case .rejected(let lockedUntil):
            throw RegistrationFailure(.invalidCode, lockedUntil.map { ["locked_until": .number(Double($0))] } ?? [:])
        case .lockedOut(let until): throw RegistrationFailure(.lockedOut, ["until": .number(Double(until))])
        }
    }

    // MARK: Proving a method before changing methods

    /// Sends a code to the user's registered address or number (`method`: email or sms), for `ProveMethod`.
    func beginProof() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        let kind = try method()
        guard kind == .email || kind == .sms else { throw RegistrationFailure.invalid("method", "email or sms") }
        guard let destination = try engine.contactCodes.destination(user: user, kind: kind) else {
            throw RegistrationFailure(.notRegistered, ["method": .string(kind.rawValue)])
        }
        return try sendCode(user: user, kind: kind, destination: destination)
    }

    /// A proof of one of the user's methods (`code`, or `answers` for questions), checked, counted and spent as
    /// at a reset; accepted, it lets this connection change the user's methods for the next ten minutes.
    func proveMethod() throws -> [String: JSONValue] {
        let user = try target(mutating: true)
        let kind = try method()
        guard try engine.registeredMethods(user).contains(kind), kind != .tap else {
            throw RegistrationFailure(.notRegistered, ["method": .string(kind.rawValue)])
        }
        let outcome: ProofOutcome
        switch kind {
        case .questions:
            outcome = try engine.verify(user: user, method: kind, proof: .answers(try answers()), context: context)
        case .email, .sms:
            guard let code = try string("code", maximum: 16) else { throw RegistrationFailure(.invalidCode) }
            outcome = try engine.proveContact(user: user, kind: kind, code: SecretBytes(copying: code), context: context)
        default:
            guard let code = try string("code", maximum: 64) else { throw RegistrationFailure(.invalidCode) }
            outcome = try engine.verify(user: user, method: kind, proof: .code(SecretBytes(copying: code)), context: context)
        }
        switch outcome {
        case .accepted:
            session.markMethodProved(at: now)
            return [:]
        case .rejected(let lockedUntil):
            throw RegistrationFailure(.invalidCode, lockedUntil.map { ["locked_until": .number(Double($0))] } ?? [:])
        case .lockedOut(let until): throw RegistrationFailure(.lockedOut, ["until": .number(Double(until))])
        }
    }
}
