// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// How a code by e-mail or SMS went out.
public enum CodeDelivery: Equatable, Sendable {
    case sent(masked: String)
    /// `max_codes` per hour reached (for the user or the destination).
    case throttled
    /// The sender failed or timed out; the reason is for the log.
    case failed(String)
    case notRegistered
}

extension RecoveryEngine {
    public var contactCodes: ContactCodeMethod { ContactCodeMethod(store: store, policy: policy) }
    public var sender: MessageSender { MessageSender(policy: policy, paths: paths) }
    public var notifier: Notifier { Notifier(policy: policy, paths: paths) }
    public var outbox: NoticeOutbox { NoticeOutbox(store: store) }
    public var codeRequests: CodeRequestQueue { CodeRequestQueue(store: store) }

    /// At login: a code to the user's registered address or number.
    public func sendLoginCode(user: String, kind: MethodKind, context: AuditContext) throws(SSPRError) -> CodeDelivery {
        guard kind == .email || kind == .sms, let destination = try contactCodes.destination(user: user, kind: kind) else {
            return .notRegistered
        }
        return try sendCode(user: user, kind: kind, purpose: .login, destination: destination, context: context)
    }

    /// Registration, step 1: validates `typed` and sends a code to it. Nothing is registered yet.
    public func beginContactRegistration(user: String, kind: MethodKind, typed: String, context: AuditContext) throws(SSPRError) -> CodeDelivery {
        let destination = try registrableDestination(user: user, kind: kind, typed: typed, context: context)
        return try sendCode(user: user, kind: kind, purpose: .registration, destination: destination, context: context)
    }

    /// Registration, step 1 for a process that may not run senders (ssprd under its unit): validates `typed`
    /// like `beginContactRegistration` and queues a request for the deliverer, which makes and sends the code
    /// (`deliverCodeRequests`). Returns the request's id for `codeRequests.outcome`.
    public func requestContactCode(user: String, kind: MethodKind, typed: String, context: AuditContext) throws(SSPRError) -> Int64 {
        let destination = try registrableDestination(user: user, kind: kind, typed: typed, context: context)
        return try codeRequests.enqueue(user: user, kind: kind, destination: destination, context: context, now: now)
    }

    /// The deliverer's side: sends every waiting code request (the code is made here, as root where mail can
    /// be sent) and records each outcome for the ssprd waiting on it. Returns how many were handled.
    @discardableResult
    public func deliverCodeRequests(limit: Int = 50) throws(SSPRError) -> Int {
        try codeRequests.prune(now: now)
        var handled = 0
        while handled < limit, let request = try codeRequests.claimNext(now: now) {
            let delivery: CodeDelivery
            do throws(SSPRError) {
                delivery = try sendCode(user: request.user, kind: request.kind, purpose: .registration,
                                        destination: request.destination, context: request.context)
            } catch {
                delivery = .failed("\(error)")
            }
            try codeRequests.finish(id: request.id, delivery: delivery)
            handled += 1
        }
        return handled
    }

    /// `typed` as a destination `user` may register for `kind`, or why not.
    private func registrableDestination(user: String, kind: MethodKind, typed: String, context: AuditContext) throws(SSPRError) -> String {
        guard policy.allows(kind) else { throw .notPermitted("the policy does not allow \(kind.rawValue)") }
        let destination: String
        switch kind {
        case .email:
            guard let address = ContactAddress.email(typed) else { throw .invalidInput("not a valid e-mail address (user@example.com)") }
            destination = address
        case .sms:
            guard let number = ContactAddress.phone(typed) else { throw .invalidInput("not a valid phone number (+ and 6 to 15 digits)") }
            guard policy.smsCommand != nil else { throw .notPermitted("sms_command is not configured") }
            destination = number
        default:
            throw .invalidInput("\(kind.rawValue) is not an address method")
        }
        _ = try requireRegistrableAccount(user, context: context)
        return destination
    }

    /// A code sent to the user's registered address or number (`beginContactRegistration` with that destination),
    /// as the proof that lets the user change their methods: counted toward lockout, spent, registers nothing.
    public func proveContact(user: String, kind: MethodKind, code: SecretBytes, context: AuditContext) throws(SSPRError) -> ProofOutcome {
        let t = now
        let registered = try contactCodes.destination(user: user, kind: kind)
        return try attempt(user: user, method: kind, context: context) { () throws(SSPRError) -> Bool in
            guard let registered else { return false }
            return try contactCodes.redeem(user: user, kind: kind, purpose: .registration, typed: code, now: t) == registered
        }
    }

    /// Registration, step 2: the code the user typed back. Counted toward lockout like any proof; on success
    /// the address the code went to (from the store) becomes the user's method.
    public func confirmContactRegistration(user: String, kind: MethodKind, code: SecretBytes, context: AuditContext) throws(SSPRError) -> ProofOutcome {
        let t = now
        var verified: String? = nil
        let outcome = try attempt(user: user, method: kind, context: context) { () throws(SSPRError) -> Bool in
            verified = try contactCodes.redeem(user: user, kind: kind, purpose: .registration, typed: code, now: t)
            return verified != nil
        }
        if outcome == .accepted, let destination = verified {
            let account = try requireRegistrableAccount(user, context: context)
            try store.transaction { () throws(SSPRError) in
                try bindings.bind(user, uid: account.uid, now: t)
                // A replaced address hears of it too: it is the one the real owner reads (docs/security.md).
                let former = kind == .email ? try contactCodes.destination(user: user, kind: .email) : nil
                try contactCodes.register(user: user, kind: kind, destination: destination, now: t)
                try recordSetter(user, kind: kind, context: context)
                try queueNotices(.methodAdded(kind), user: user, context: context,
                                 formerEmails: former.map { $0 == destination ? [] : [$0] } ?? [], at: t)
            }
            try audit.record(registrationEvent(user, context), user: user, method: kind, result: "pass",
                             detail: ContactAddress.mask(destination, kind: kind), context: context, at: t)
        }
        return outcome
    }

    private func sendCode(user: String, kind: MethodKind, purpose: ContactCodeMethod.Purpose, destination: String,
                          context: AuditContext) throws(SSPRError) -> CodeDelivery {
        let t = now
        let code = try store.transaction { () throws(SSPRError) -> SecretBytes? in
            try contactCodes.issue(user: user, kind: kind, purpose: purpose, destination: destination, now: t)
        }
        let masked = ContactAddress.mask(destination, kind: kind)
        guard let code else {
            try audit.record(.codeSent, user: user, method: kind, result: "throttled", detail: masked, context: context, at: t)
            return .throttled
        }
        let minutes = max(1, policy.codeTTL / 60)
        let digits = String(decoding: code.bytes, as: UTF8.self)
        do {
            if kind == .email {
                let body = """
                    Your password reset code for the account \(user) on \(policy.hostLabel) is:

                        \(digits)

                    It is valid for \(minutes) minute\(minutes == 1 ? "" : "s") and works once.
                    If you did not ask for it, someone may be trying to get into your account: \
                    \(policy.helpdesk.map { "contact the helpdesk (\($0))" } ?? "tell your system administrator").
                    """
                try sender.sendMail(to: [destination], subject: "Your password reset code", body: body)
            } else {
                try sender.sendText(to: destination, text: "Password reset code for \(user): \(digits) (valid \(minutes) min). Not you? Tell your admin.")
            }
        } catch {
            try audit.record(.codeSent, user: user, method: kind, result: "fail", detail: "\(masked): \(error)", context: context, at: t)
            return .failed(error.description)
        }
        try audit.record(.codeSent, user: user, method: kind, result: "pass", detail: masked, context: context, at: t)
        return .sent(masked: masked)
    }

    /// Queues the notices for `event` in the outbox. Call it inside the transaction that records the event,
    /// so the notice exists exactly when the change does. `formerEmails`: addresses that were just removed
    /// still hear about it (an intruder removing your address is exactly what you must be told).
    func queueNotices(_ event: Notifier.Event, user: String, context: AuditContext, formerEmails: [String] = [],
                      at time: Int64) throws(SSPRError) {
        let account = accounts.account(named: user)
        var emails = try contactCodes.destination(user: user, kind: .email).map { [$0] } ?? []
        for address in formerEmails where !emails.contains(address) { emails.append(address) }
        for notice in notifier.notices(event, user: user, isAdmin: account.map(isAdmin) ?? false, emails: emails,
                                       context: context, at: time) {
            try outbox.enqueue(notice, now: time)
        }
    }
}
