// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Registrations belong to the account they were made for (SPEC 7), not to its name.
extension RecoveryEngine {
    /// Refuses, as "not available" with an audit record, registrations made for another account than the
    /// one that has the name now (a recreated or renamed account), or for an account that is gone.
    func requireBinding(_ user: String, account: Account?, context: AuditContext) throws(SSPRError) {
        let state = try bindings.state(user, account: account)
        guard state.isMismatch else { return }
        let reason = RecoveryEngine.mismatchReason(state)
        try audit.record(.accountMismatch, user: user, result: "refused", detail: reason, context: context, at: now)
        throw .notAvailable("the registrations of \(user) \(reason) (sspr admin remove \(user))")
    }

    /// The account a registration is made for. A name whose registrations belong to another account takes
    /// no new one ("not available", audited) until `sspr admin remove` clears them; a name whose old
    /// registrations are all gone is simply bound afresh by the registration.
    func requireRegistrableAccount(_ user: String, context: AuditContext) throws(SSPRError) -> Account {
        guard let account = accounts.account(named: user) else { throw .invalidInput("no such account: \(user)") }
        if try bindings.hasRegistrations(user) { try requireBinding(user, account: account, context: context) }
        return account
    }

    /// Registrations from before binding (schema 1) are bound to the uid their name has when an engine first
    /// opens the upgraded store: the closest to when they were made that can be known. A name that is no
    /// longer an account stays unbound and is reported as gone.
    func bindRegistrationsFromBeforeBinding() throws(SSPRError) {
        let names = try bindings.unboundNames()
        guard !names.isEmpty else { return }
        let t = now
        for user in names {
            guard let account = accounts.account(named: user) else { continue }
            try store.transaction { () throws(SSPRError) in try bindings.bind(user, uid: account.uid, now: t) }
            try audit.record(.bind, user: user, result: "pass", detail: "registrations bound to uid \(account.uid) on upgrade",
                             context: AuditContext(service: "sspr", actor: "root"), at: t)
        }
    }

    /// Names whose registrations no longer match an account, for `sspr admin check` and the report.
    public func mismatchedRegistrations() throws(SSPRError) -> [(user: String, state: AccountBindingState)] {
        var result: [(user: String, state: AccountBindingState)] = []
        for (user, _) in try bindings.all() {
            let state = try bindings.state(user, account: accounts.account(named: user))
            if state.isMismatch { result.append((user, state)) }
        }
        return result
    }

    /// Words for logs, audit and admins (never for the user at the prompt, who sees "not available").
    public static func mismatchReason(_ state: AccountBindingState) -> String {
        switch state {
        case .changed(let registered, let current):
            return "were made for uid \(registered), but the account now has uid \(current) (recreated or renamed)"
        case .gone(let registered):
            return "were made for " + (registered.map { "uid \($0)" } ?? "an account") + " that no longer exists"
        case .unbound, .matches:
            return "belong to this account"
        }
    }
}
