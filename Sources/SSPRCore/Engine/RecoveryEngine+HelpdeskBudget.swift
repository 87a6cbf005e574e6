// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// A helpdesk member's own budget of wrong checks per account (`sspr admin verify` through ssprd). Wrong checks
/// count toward the account's lockout as every proof does, but `admin unlock` (which a helpdesk member may run)
/// clears only that: without a budget of their own a member could guess a user's security answers, unlock,
/// and guess again, without end. The budget is the account's rule (`max_failures` within `failure_window`, then
/// `lockout`), kept under a name no account can have, and nothing but time clears it.
extension RecoveryEngine {
    /// The budget's name for a check made by `context.actor` on `user`; nil for root, the user, or no actor.
    func helpdeskBudget(user: String, context: AuditContext) -> String? {
        let actor = context.actor
        guard !actor.isEmpty, actor != "root", actor != user else { return nil }
        return "helpdesk:\(actor)/\(user)"  // ':' and '/' are in no account name
    }

    /// Counts a wrong check against the budget (a lockout of the budget once it is spent). Returns its end.
    func spendHelpdeskBudget(_ budget: String, method: MethodKind, context: AuditContext) throws(SSPRError) -> Int64? {
        let t = now
        let counter = failures
        let limit = policy.maxFailures
        let started: (until: Int64, started: Bool)? = try store.transaction { () throws(SSPRError) -> (until: Int64, started: Bool)? in
            try counter.settle(try counter.recordAttempt(budget, method: method, now: t))
            guard try counter.counts(budget, now: t).settled >= limit else { return nil }
            return try counter.lockOut(budget, now: t)
        }
        if let started, started.started {
            try audit.record(.lockout, user: String(budget.split(separator: "/").last ?? ""), method: method,
                             detail: "helpdesk checks by \(context.actor) until \(SystemClock.utcTimestamp(started.until))",
                             context: context, at: t)
        }
        return started?.until
    }
}
