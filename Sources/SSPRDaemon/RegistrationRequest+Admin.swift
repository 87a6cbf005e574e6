// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem
import SSPRVarlink

/// Who may administer whom, and the admin methods (mirroring `sspr admin`).
extension Request {
    /// A member of the delegated admin group (`sspr-admin`), proved or not.
    var isDelegatedAdmin: Bool {
        guard let name = session.userName, let account = engine.accounts.account(named: name) else { return false }
        return account.groups.contains(configuration.adminGroup)
    }

    /// Root, or a member of `sspr-admin` who proved their password on this connection. A member who has not
    /// yet proved it gets NotAuthenticated (so the CLI asks for the password and retries); anyone else
    /// PermissionDenied.
    func requireAdmin() throws {
        if session.peer.isRoot { return }
        guard isDelegatedAdmin else {
            throw RegistrationFailure(.permissionDenied, ["reason": "needs root or sspr-admin with a password proof"])
        }
        guard isAuthenticated else { throw RegistrationFailure(.notAuthenticated) }
    }

    /// `requireAdmin()` for an action on `user`. Root is the first admin (SPEC 3): only root acts on root and on
    /// members of `admin_groups`, whose accounts guard the machine; a delegated admin who could issue them a
    /// pass or enroll a method for them could then reset them at the login prompt and take their rights.
    func requireAdmin(over user: String) throws {
        try requireAdmin()
        if session.peer.isRoot { return }
        if let account = engine.accounts.account(named: user), engine.isAdmin(account) {
            throw RegistrationFailure(.permissionDenied, ["reason": "only root administers root and members of admin_groups"])
        }
    }

    // MARK: Admin methods (mirroring sspr admin)

    /// The `user` an admin method acts on, once the caller may act on it.
    func adminTarget() throws -> String {
        guard let user = try string("user", maximum: 256) else { throw RegistrationFailure.invalid("user", "missing") }
        guard isPlausibleUserName(user) else { throw RegistrationFailure.invalid("user", "not a user name") }
        try requireAdmin(over: user)
        return user
    }

    /// `all`: every login account the policy enables too (sspr admin report --all). NSS enumeration keeps
    /// process-wide state, so one enumeration at a time.
    func adminReport() throws -> [String: JSONValue] {
        try requireAdmin()
        let reports = parameters["all"]?.bool == true
            ? try Request.enumeration.withLock { () throws(SSPRError) -> [UserReport] in try engine.reportEveryEnabledAccount() }
            : try engine.reportAll()
        return ["users": .array(reports.map { r in
            var row: [String: JSONValue] = ["user": .string(r.user), "methods": .array(r.methods.map { .string($0.rawValue) }),
                                            "meets_policy": .bool(r.meetsPolicy), "reconfirm_due": .bool(r.reconfirmDue),
                                            "recovery_codes_left": .number(Double(r.recoveryCodesLeft)),
                                            "recent_failures": .number(Double(r.recentFailures))]
            if let until = r.lockedUntil { row["locked_until"] = .number(Double(until)) }
            if r.lastConfirmed > 0 { row["last_confirmed"] = .number(Double(r.lastConfirmed)) }
            row["is_admin"] = .bool(r.isAdmin)
            row["account"] = .string(r.account.isMismatch ? "mismatch" : "ok")
            if r.account.isMismatch { row["account_problem"] = .string(RecoveryEngine.mismatchReason(r.account)) }
            return .object(row)
        }), "outbox": try outboxBacklog()]
    }

    /// Undelivered notices: how many, and the oldest one's time (no text: the notices are the users' mail).
    private func outboxBacklog() throws -> JSONValue {
        let backlog = try engine.outbox.backlog()
        var value: [String: JSONValue] = ["waiting": .number(Double(backlog.waiting))]
        if let oldest = backlog.oldestCreatedAt { value["oldest"] = .number(Double(oldest)) }
        return .object(value)
    }

    func adminAudit() throws -> [String: JSONValue] {
        try requireAdmin()
        let user = try string("user", required: false, maximum: 256)
        let since = parameters["since"]?.int.map(Int64.init)
        return ["records": .array(try engine.audit.records(user: user, since: since).map { r in
            .object(["id": .number(Double(r.id)), "time": .number(Double(r.time)), "user": .string(r.user), "event": .string(r.event),
                     "method": .string(r.method), "result": .string(r.result), "service": .string(r.service), "tty": .string(r.tty),
                     "rhost": .string(r.rhost), "actor": .string(r.actor), "detail": .string(r.detail),
                     "host": .string(r.host)])
        })]
    }

    func adminUnlock() throws -> [String: JSONValue] {
        let user = try adminTarget()
        try engine.unlock(user: user, context: context)
        return [:]
    }

    func adminIssuePass() throws -> [String: JSONValue] {
        let user = try adminTarget()
        if !session.peer.isRoot && user == session.userName {
            // A pass resets the account it is for: a delegated admin never issues one to themself.
            throw RegistrationFailure(.permissionDenied, ["reason": "a pass for yourself needs root"])
        }
        let ttl = Int64(parameters["ttl"]?.int ?? 3600)
        let reusable = parameters["reusable"]?.bool ?? false
        let pass = try engine.issuePass(user: user, lifetime: ttl, reusable: reusable, context: context)
        return ["pass": .string(String(decoding: pass.bytes, as: UTF8.self)), "expires": .number(Double(now + ttl))]
    }

    /// `sspr admin enroll USER totp [--secret BASE32]`: registers the given secret, or a new one it returns.
    /// Unlike BeginTOTP/ConfirmTOTP no code proves it: the admin vouches for the user.
    func adminEnrollTOTP() throws -> [String: JSONValue] {
        let user = try adminTarget()
        try requireAllowed(.totp)
        let secret: SecretBytes
        if let typed = try string("secret", required: false, maximum: 128) {
            guard let decoded = OATH.base32Decode(typed) else { throw RegistrationFailure.invalid("secret", "not valid base32") }
            secret = decoded
        } else {
            secret = try TOTPMethod.newSecret()
        }
        try engine.enrollTOTP(user: user, secret: secret, context: context)
        guard parameters["secret"] == nil, let encoded = OATH.base32Encode(secret) else { return [:] }
        let text = String(decoding: encoded.bytes, as: UTF8.self)
        return ["secret": .string(text),
                "uri": .string(TOTPProvisioning.uri(user: user, base32Secret: text, hostLabel: policy.hostLabel))]
    }

    func adminRemove() throws -> [String: JSONValue] {
        let user = try adminTarget()
        let kind = parameters["method"] == nil ? nil : try method()
        return ["removed": .number(Double(try engine.remove(user: user, method: kind, context: context)))]
    }

    func adminVerify() throws -> [String: JSONValue] {
        let user = try adminTarget()
        let kind = try method()
        let proof: Proof
        if kind == .questions {
            proof = .answers(try answers())
        } else {
            guard let code = try string("code", maximum: 64) else { throw RegistrationFailure.invalid("code", "missing") }
            proof = .code(SecretBytes(copying: code))
        }
        switch try engine.verify(user: user, method: kind, proof: proof, context: context) {
        case .accepted: return ["accepted": true]
        case .rejected(let lockedUntil):
            var r: [String: JSONValue] = ["accepted": false]
            if let lockedUntil { r["locked_until"] = .number(Double(lockedUntil)) }
            return r
        case .lockedOut(let until): throw RegistrationFailure(.lockedOut, ["until": .number(Double(until))])
        }
    }
}
