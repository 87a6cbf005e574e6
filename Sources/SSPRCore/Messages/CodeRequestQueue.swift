// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The `code_requests` table (store schema 3): registration codes that an ssprd without senders (its unit
/// allows no network and a read-only /var) hands to the deliverer. A request names the destination, never a
/// code: the deliverer makes the code when it sends it, so no code is ever stored in clear.
///
/// Guarantees: a request is taken by exactly one deliverer (`waiting` -> `sending` in one transaction); a
/// request older than `maximumAgeSeconds`, or given up by ssprd, is never sent (a late code is useless and
/// would confuse); every request ends in one of sent, throttled, failed, expired.
public struct CodeRequestQueue {
    let store: Store

    /// A request not taken by then expires: ssprd has told the user it failed.
    public static let maximumAgeSeconds: Int64 = 30

    public struct Request: Equatable, Sendable {
        public let id: Int64
        public let user: String
        public let kind: MethodKind
        public let destination: String
        public let context: AuditContext
    }

    func enqueue(user: String, kind: MethodKind, destination: String, context: AuditContext, now: Int64) throws(SSPRError) -> Int64 {
        return try store.insertReturningID("""
            INSERT INTO code_requests (user, kind, destination, service, actor, requested_at, state)
            VALUES (?, ?, ?, ?, ?, ?, 'waiting') RETURNING id
            """, [.text(user), .text(kind.rawValue), .text(destination), .text(context.service), .text(context.actor), .integer(now)])
    }

    /// Takes the oldest waiting request still young enough; older ones expire on the way.
    func claimNext(now: Int64) throws(SSPRError) -> Request? {
        try store.transaction { () throws(SSPRError) -> Request? in
            _ = try store.run("UPDATE code_requests SET state = 'expired' WHERE state = 'waiting' AND requested_at < ?",
                              [.integer(now - CodeRequestQueue.maximumAgeSeconds)])
            guard let row = try store.query("""
                SELECT id, user, kind, destination, service, actor FROM code_requests WHERE state = 'waiting'
                ORDER BY requested_at, id LIMIT 1
                """).first, row.count == 6, let id = row[0].integer, let user = row[1].text,
                let kind = row[2].text.flatMap(MethodKind.init(rawValue:)), let destination = row[3].text,
                let service = row[4].text, let actor = row[5].text else { return nil }
            _ = try store.run("UPDATE code_requests SET state = 'sending' WHERE id = ?", [.integer(id)])
            return Request(id: id, user: user, kind: kind, destination: destination,
                           context: AuditContext(service: service, actor: actor))
        }
    }

    func finish(id: Int64, delivery: CodeDelivery) throws(SSPRError) {
        let (state, detail): (String, String) = switch delivery {
        case .sent(let masked): ("sent", masked)
        case .throttled: ("throttled", "")
        case .failed(let reason): ("failed", reason)
        case .notRegistered: ("failed", "not registered")
        }
        _ = try store.run("UPDATE code_requests SET state = ?, detail = ? WHERE id = ?", [.text(state), .text(detail), .integer(id)])
    }

    /// The outcome of request `id`, or nil while it waits or is being sent.
    public func outcome(id: Int64) throws(SSPRError) -> CodeDelivery? {
        guard let row = try store.query("SELECT state, detail FROM code_requests WHERE id = ?", [.integer(id)]).first,
              row.count == 2, let state = row[0].text else { return .failed("the request is gone") }
        let detail = row[1].text ?? ""
        switch state {
        case "sent": return .sent(masked: detail)
        case "throttled": return .throttled
        case "failed": return .failed(detail)
        case "expired": return .failed("no sender took the request in time (sspr-outbox.path)")
        default: return nil
        }
    }

    /// ssprd gives up waiting: a request still waiting is never sent. False when a deliverer already took it.
    public func giveUp(id: Int64) throws(SSPRError) -> Bool {
        try store.run("UPDATE code_requests SET state = 'expired' WHERE id = ? AND state = 'waiting'", [.integer(id)]) > 0
    }

    /// Finished requests are kept a day (for an admin wondering why a code did not come), then deleted.
    func prune(now: Int64) throws(SSPRError) {
        _ = try store.run("DELETE FROM code_requests WHERE requested_at < ?",
                          [.integer(now - 86_400)])
    }
}
