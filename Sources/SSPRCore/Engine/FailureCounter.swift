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

    /// How long an attempt may stay in flight before it counts as a failure: a check that never ended (its
    /// process killed mid-way) must not be a free guess.
    static let inFlightSeconds: Int64 = 30

    /// Records an attempt, in flight, inside the caller's transaction: withdrawn when the proof is right,
    /// settled as a failure when it is wrong. Returns its row.
    func recordAttempt(_ user: String, method: MethodKind?, now: Int64) throws(SSPRError) -> Int64 {
        _ = try store.run("DELETE FROM failures WHERE user = ? AND at <= ?", [.text(user), .integer(now - policy.failureWindow)])
        return try store.insertReturningID("INSERT INTO failures (user, at, method, pending) VALUES (?, ?, ?, 1) RETURNING rowid",
                                           [.text(user), .integer(now), .text(method?.rawValue ?? "")])
    }

    /// A wrong proof's attempt becomes a settled failure.
    func settle(_ attempt: Int64) throws(SSPRError) {
        _ = try store.run("UPDATE failures SET pending = 0 WHERE rowid = ?", [.integer(attempt)])
    }

    /// Within the window: settled failures (with attempts in flight too long), and attempts being checked now.
    func counts(_ user: String, now: Int64) throws(SSPRError) -> (settled: Int, inFlight: Int) {
        let row = try store.query("""
            SELECT coalesce(sum(CASE WHEN pending = 1 AND at > ? THEN 0 ELSE 1 END), 0),
                   coalesce(sum(CASE WHEN pending = 1 AND at > ? THEN 1 ELSE 0 END), 0)
            FROM failures WHERE user = ? AND at > ?
            """, [.integer(now - FailureCounter.inFlightSeconds), .integer(now - FailureCounter.inFlightSeconds),
                  .text(user), .integer(now - policy.failureWindow)]).first
        return (Int(row?.first?.integer ?? 0), Int(row?.dropFirst().first?.integer ?? 0))
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
