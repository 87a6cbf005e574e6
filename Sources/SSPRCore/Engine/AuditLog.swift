// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// One audit record (SPEC section 9). No field ever holds a secret: values come from the engine, not from
/// what a user typed, except the user name and the PAM items, which are sanitised.
public struct AuditRecord: Equatable, Sendable {
    public let id: Int64
    public let time: Int64
    public let user: String
    public let event: String
    public let method: String
    public let result: String
    public let service: String
    public let tty: String
    public let rhost: String
    public let actor: String
    public let detail: String
    /// The machine the record was written on (one store may serve a fleet); "" for records from before.
    public let host: String
}

/// Audit events, by their stable names.
public enum AuditEvent: String, Sendable {
    case offer, proof, authenticate, lockout, reset, register, remove, confirm, passIssued = "pass_issued", unlock, enroll, verify
    case codeSent = "code_sent"
    /// Registrations made for one account were about to be used by, or added to for, another (or none).
    case accountMismatch = "account_mismatch"
    /// Registrations from before binding were bound to the uid their name had at the upgrade.
    case bind
    /// A reset that began but did not change the password: refused, failed, or left by the user.
    case resetFailed = "reset_failed", resetAbandoned = "reset_abandoned"
}

/// Writes audit records to the store and one entry each to the journal (where journald runs) or syslog
/// `authpriv`, reads them back, and prunes
/// those older than `audit_days`.
///
/// Pruning is part of writing, so the log stays bounded with no timer and no extra process: every
/// `pruneInterval`-th record (by row id, so the rhythm holds across the short-lived processes that write) deletes
/// at most `pruneBatch` expired rows, oldest first. A backlog (audit_days lowered on a large store) is worked
/// off a batch at a time instead of holding the store's write lock for one long delete.
public struct AuditLog {
    let store: Store
    /// Policy `audit_days`; 0 keeps every record.
    var retentionDays = 0
    /// Where journald runs (its socket exists), records go there with MESSAGE_IDs and SSPR_* fields instead of
    /// to syslog (journald would hold both otherwise); elsewhere, and if the journal refuses one, syslog.
    var journal: JournalWriter? = nil

    public static let pruneInterval: Int64 = 64
    /// This machine's name as the kernel has it (not `host_label`, which a fleet may set alike everywhere).
    static let host = HostName.current() ?? ""
    public static let pruneBatch = 2_000

    public func record(_ event: AuditEvent, user: String, method: MethodKind? = nil, result: String = "",
                       detail: String = "", context: AuditContext, at time: Int64) throws(SSPRError) {
        let fields = [sanitise(user), sanitise(context.service), sanitise(context.tty), sanitise(context.rhost),
                      sanitise(context.actor), sanitise(detail, allowSpaces: true)]
        let id = try store.insertReturningID("""
            INSERT INTO audit (at, user, event, method, result, service, tty, rhost, actor, detail, host)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, [.integer(time), .text(fields[0]), .text(event.rawValue), .text(method?.rawValue ?? ""),
                  .text(result), .text(fields[1]), .text(fields[2]), .text(fields[3]), .text(fields[4]), .text(fields[5]),
                  .text(AuditLog.host)])
        if retentionDays > 0 && id % Self.pruneInterval == 0 {
            // Housekeeping never fails what was audited: a prune that fails now is retried 64 records later.
            _ = try? prune(now: time)
        }
        var line = "event=\(event.rawValue) user=\(fields[0])"
        if let method { line += " method=\(method.rawValue)" }
        if !result.isEmpty { line += " result=\(result)" }
        if !fields[1].isEmpty { line += " service=\(fields[1])" }
        if !fields[2].isEmpty { line += " tty=\(fields[2])" }
        if !fields[3].isEmpty { line += " rhost=\(fields[3])" }
        if !fields[4].isEmpty { line += " actor=\(fields[4])" }
        if !fields[5].isEmpty { line += " detail=\"\(fields[5])\"" }
        let level: Syslog.Level = result == "fail" || event == .lockout ? .warning : .notice
        if let journal, journal.isAvailable,
           journal.send(AuditJournal.fields(event: event, level: level, message: line, user: fields[0],
                                            method: method?.rawValue ?? "", result: result, service: fields[1],
                                            tty: fields[2], rhost: fields[3], actor: fields[4])) {
            return
        }
        Syslog.write(level, line)
    }

    public func records(user: String?, since: Int64?, limit: Int = 10_000) throws(SSPRError) -> [AuditRecord] {
        var sql = "SELECT id, at, user, event, method, result, service, tty, rhost, actor, detail, host FROM audit WHERE 1 = 1"
        var parameters: [SQLValue] = []
        if let user { sql += " AND user = ?"; parameters.append(.text(user)) }
        if let since { sql += " AND at >= ?"; parameters.append(.integer(since)) }
        sql += " ORDER BY id LIMIT ?"
        parameters.append(.integer(Int64(limit)))
        return try store.query(sql, parameters).map { row in
            func text(_ i: Int) -> String { i < row.count ? row[i].text ?? "" : "" }
            func int(_ i: Int) -> Int64 { i < row.count ? row[i].integer ?? 0 : 0 }
            return AuditRecord(id: int(0), time: int(1), user: text(2), event: text(3), method: text(4), result: text(5),
                               service: text(6), tty: text(7), rhost: text(8), actor: text(9), detail: text(10), host: text(11))
        }
    }

    /// Deletes up to `limit` records older than `audit_days` (the oldest first) and returns how many it deleted;
    /// with `audit_days = 0`, none.
    @discardableResult
    public func prune(now: Int64, limit: Int = AuditLog.pruneBatch) throws(SSPRError) -> Int {
        guard retentionDays > 0 else { return 0 }
        let cutoff = now - Int64(retentionDays) * 86_400
        return try store.run("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY at LIMIT ?)",
                             [.integer(cutoff), .integer(Int64(limit))])
    }

    /// Printable, bounded: control characters, quotes (and spaces, in fields that are single words) become
    /// '?', at most 128 bytes.
    func sanitise(_ value: String, allowSpaces: Bool = false) -> String {
        var out: [UInt8] = []
        for b in value.utf8 {
            if out.count >= 128 { break }
            let bad = b < 0x20 || b == 0x7f || b == 0x22 || (b == 0x20 && !allowSpaces)
            out.append(bad ? UInt8(ascii: "?") : b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
