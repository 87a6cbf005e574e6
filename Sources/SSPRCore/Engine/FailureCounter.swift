// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Failed proofs per user name, across methods and processes (SPEC: `max_failures` within `failure_window`
/// locks for `lockout`). Names that are not accounts are counted exactly like accounts.
public struct FailureCounter {
    let store: Store
    let policy: Policy

    /// The end of the current lockout, or nil when not locked.
    public func lockedUntil(_ user: String, now: Int64) throws(SSPRError) -> Int64? {
        let until = try store.query("SELECT until FROM lockouts WHERE user = ? AND until > ?", [.text(user), .integer(now)])
        return until.first?.first?.integer
    }

    /// Records an attempt as a failure inside the caller's transaction (withdrawn on success); returns its row.
    func recordAttempt(_ user: String, method: MethodKind?, now: Int64) throws(SSPRError) -> Int64 {
        _ = try store.run("DELETE FROM failures WHERE user = ? AND at <= ?", [.text(user), .integer(now - policy.failureWindow)])
        return try store.insertReturningID("INSERT INTO failures (user, at, method) VALUES (?, ?, ?) RETURNING rowid",
                                           [.text(user), .integer(now), .text(method?.rawValue ?? "")])
    }

    /// Starts a lockout unless one is in force (inside the caller's transaction). `started` is true only for
    /// the call that began it, so concurrent failures that all cross `max_failures` audit one lockout.
    func lockOut(_ user: String, now: Int64) throws(SSPRError) -> (until: Int64, started: Bool) {
        if let existing = try lockedUntil(user, now: now) { return (existing, false) }
        let until = now + policy.lockout
        _ = try store.run("""
            INSERT INTO lockouts (user, until) VALUES (?, ?)
            ON CONFLICT (user) DO UPDATE SET until = excluded.until
            """, [.text(user), .integer(until)])
        return (until, true)
    }

    /// Failures counted now for `user` within the window.
    public func failures(_ user: String, now: Int64) throws(SSPRError) -> Int {
        Int(try store.scalarInt("SELECT count(*) FROM failures WHERE user = ? AND at > ?",
                                [.text(user), .integer(now - policy.failureWindow)]))
    }

    /// Forgets failures and lockout (after a completed reset or an admin unlock).
    func clear(_ user: String) throws(SSPRError) {
        _ = try store.run("DELETE FROM failures WHERE user = ?", [.text(user)])
        _ = try store.run("DELETE FROM lockouts WHERE user = ?", [.text(user)])
    }
}
