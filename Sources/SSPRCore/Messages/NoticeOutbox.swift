// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The `outbox` table (store schema 3): notices written in the transaction that records what they tell of,
/// delivered later by whichever root process gets there first (`NoticeDelivery`).
///
/// Guarantees: a notice is claimed under a lease inside `BEGIN IMMEDIATE`, so of two deliverers exactly one
/// sends it; a failed attempt is retried with exponential backoff; `last_error` holds the sender's outcome,
/// never the message; delivered rows are pruned after `deliveredRetention`.
public struct NoticeOutbox {
    let store: Store

    /// How long a deliverer holds a claimed row: longer than the sender's timeout, so a slow sender is not
    /// raced; a deliverer that died mid-send only delays the retry by this much.
    public static let leaseSeconds: Int64 = 120
    /// Delivered notices are kept this long (for `sspr admin outbox`), then pruned.
    public static let deliveredRetention: Int64 = 7 * 86_400
    /// Backoff after the nth failed attempt: 1 min, 2, 4, … at most 1 h.
    public static func backoff(afterAttempts attempts: Int64) -> Int64 {
        min(3_600, 60 << min(max(attempts - 1, 0), 6))
    }

    /// One row as `sspr admin outbox` shows it (no body: it is the user's mail, not the admin's log).
    public struct Entry: Equatable, Sendable {
        public let id: Int64
        public let user: String
        public let subject: String
        public let createdAt: Int64
        public let attempts: Int64
        public let nextAttemptAt: Int64
        public let lastError: String?
        public let deliveredAt: Int64?
    }

    /// Undelivered notices: how many, and since when the oldest waits.
    public struct Backlog: Equatable, Sendable {
        public let waiting: Int
        public let oldestCreatedAt: Int64?

        public init(waiting: Int, oldestCreatedAt: Int64?) {
            self.waiting = waiting
            self.oldestCreatedAt = oldestCreatedAt
        }
    }

    /// Queues `notice`. Runs inside the caller's transaction: the notice exists exactly when what it tells
    /// of was recorded.
    func enqueue(_ notice: Notice, now: Int64) throws(SSPRError) {
        _ = try store.run("""
            INSERT INTO outbox (user, recipients, subject, body, created_at, attempts, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, 0, ?)
            """, [.text(notice.user), .text(notice.recipients.joined(separator: "\n")), .text(notice.subject),
                  .text(notice.body), .integer(now), .integer(now)])
    }

    /// Takes the oldest due notice under a lease (one transaction), or nil when none is due. With `user`, only
    /// that user's, newest first (the reset helper: the notice it just queued before older ones).
    func claimNext(now: Int64, user: String? = nil) throws(SSPRError) -> (id: Int64, notice: Notice, attempts: Int64)? {
        try store.transaction { () throws(SSPRError) -> (id: Int64, notice: Notice, attempts: Int64)? in
            let rows = if let user {
                try store.query("""
                    SELECT id, user, recipients, subject, body, attempts FROM outbox
                    WHERE delivered_at IS NULL AND next_attempt_at <= ? AND user = ? ORDER BY id DESC LIMIT 1
                    """, [.integer(now), .text(user)])
            } else {
                try store.query("""
                    SELECT id, user, recipients, subject, body, attempts FROM outbox
                    WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1
                    """, [.integer(now)])
            }
            guard let row = rows.first, row.count == 6,
                let id = row[0].integer, let user = row[1].text, let recipients = row[2].text,
                let subject = row[3].text, let body = row[4].text, let attempts = row[5].integer else { return nil }
            _ = try store.run("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
                              [.integer(now + NoticeOutbox.leaseSeconds), .integer(id)])
            let notice = Notice(user: user, recipients: recipients.split(separator: "\n").map(String.init),
                                subject: subject, body: body)
            return (id, notice, attempts + 1)
        }
    }

    func markDelivered(id: Int64, now: Int64) throws(SSPRError) {
        _ = try store.run("UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ?", [.integer(now), .integer(id)])
    }

    func markFailed(id: Int64, attempts: Int64, error: String, now: Int64) throws(SSPRError) {
        _ = try store.run("UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                          [.integer(now + NoticeOutbox.backoff(afterAttempts: attempts)), .text(error), .integer(id)])
    }

    /// Makes every waiting notice due now (`sspr admin outbox --deliver`: the admin fixed the sender and wants
    /// no backoff). A row leased by a deliverer this very moment could go out twice; a duplicate notice is the
    /// safe side of that race.
    func makeAllDue(now: Int64) throws(SSPRError) {
        _ = try store.run("UPDATE outbox SET next_attempt_at = ? WHERE delivered_at IS NULL AND next_attempt_at > ?",
                          [.integer(now), .integer(now)])
    }

    /// Deletes delivered notices older than the retention. Returns how many.
    @discardableResult
    func pruneDelivered(now: Int64) throws(SSPRError) -> Int {
        try store.run("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?",
                      [.integer(now - NoticeOutbox.deliveredRetention)])
    }

    public func backlog() throws(SSPRError) -> Backlog {
        let row = try store.query("SELECT count(*), min(created_at) FROM outbox WHERE delivered_at IS NULL").first
        return Backlog(waiting: Int(row?.first?.integer ?? 0), oldestCreatedAt: row.flatMap { $0.count > 1 ? $0[1].integer : nil })
    }

    /// Undelivered notices first (oldest first), then the delivered ones still kept, newest first.
    public func entries(limit: Int = 1_000) throws(SSPRError) -> [Entry] {
        try store.query("""
            SELECT id, user, subject, created_at, attempts, next_attempt_at, last_error, delivered_at FROM outbox
            ORDER BY delivered_at IS NOT NULL, CASE WHEN delivered_at IS NULL THEN created_at ELSE -delivered_at END, id
            LIMIT ?
            """, [.integer(Int64(limit))]).compactMap { row -> Entry? in
            guard row.count == 8, let id = row[0].integer, let user = row[1].text, let subject = row[2].text,
                  let created = row[3].integer, let attempts = row[4].integer, let next = row[5].integer else { return nil }
            return Entry(id: id, user: user, subject: subject, createdAt: created, attempts: attempts, nextAttemptAt: next,
                         lastError: row[6].text, deliveredAt: row[7].integer)
        }
    }
}
