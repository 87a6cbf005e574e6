// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Throttles checks of an account's current password (ssprd's `Authenticate`), apart from the lockout of
/// recovery proofs (SPEC 7). A password check is not a recovery proof: anyone at a login prompt can type
/// wrong recovery codes for alice, and that must not lock alice out of managing her own methods with her
/// password. Only processes of alice's own uid can ask ssprd to check alice's password, so a throttle on
/// the account (and on the peer asking) cannot be set off by anyone else.
///
/// Each key (the account's uid, the peer) may have `maximumFailures` wrong passwords within `window`
/// seconds; beyond that a check is refused without being made until the oldest failure leaves the window.
/// As with proofs, an attempt is counted before the check and withdrawn when the password is right, so
/// concurrent guesses never exceed the limit.
public struct PasswordThrottle {
    public static let maximumFailures = 5
    public static let window: Int64 = 15 * 60

    let store: Store

    /// The time the throttle on any of `keys` ends, or nil when a check may be made now.
    public func throttledUntil(_ keys: [String], now: Int64) throws(SSPRError) -> Int64? {
        var until: Int64? = nil
        for key in keys {
            let rows = try store.query("SELECT at FROM password_failures WHERE key = ? AND at > ? ORDER BY at",
                                       [.text(key), .integer(now - PasswordThrottle.window)])
            guard rows.count >= PasswordThrottle.maximumFailures, let oldest = rows.first?.first?.integer else { continue }
            until = max(until ?? 0, oldest + PasswordThrottle.window)
        }
        return until
    }

    /// Inside the caller's transaction: records the attempt as a failure under every key; returns the rows,
    /// which `withdraw` removes when the password was right.
    func recordAttempt(_ keys: [String], now: Int64) throws(SSPRError) -> [Int64] {
        var rows: [Int64] = []
        for key in keys {
            _ = try store.run("DELETE FROM password_failures WHERE key = ? AND at <= ?", [.text(key), .integer(now - PasswordThrottle.window)])
            rows.append(try store.insertReturningID("INSERT INTO password_failures (key, at) VALUES (?, ?) RETURNING rowid",
                                                    [.text(key), .integer(now)]))
        }
        return rows
    }

    func withdraw(_ rows: [Int64]) throws(SSPRError) {
        for row in rows { _ = try store.run("DELETE FROM password_failures WHERE rowid = ?", [.integer(row)]) }
    }
}
