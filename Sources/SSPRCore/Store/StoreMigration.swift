// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Copies one machine's store into another (`sspr admin store migrate --to URI`): a lab machine joining the
/// fleet's PostgreSQL store brings its users' registrations, their active lockouts, its audit and its waiting
/// notices.
///
/// Guarantees: users are merged, never overwritten by surprise. A user the destination does not know is
/// copied; one it holds with the very same registration (same account uid, methods, secrets, questions and
/// codes) is left as it is; one it holds with a different registration is a conflict, and without `force` any
/// conflict means nothing at all is written (the whole copy is one destination transaction, rolled back). With
/// `force` the source's registration replaces the destination's for those users. Spent codes and passes come
/// along spent; the audit and waiting notices are copied once per source (a marker record says so); codes in flight (sent login codes, code requests) and password throttles are left behind: they
/// are useless on another store within minutes.
public struct StoreMigration {
    public struct Result: Sendable, Equatable {
        public var copied: [String] = []
        public var unchanged: [String] = []
        public var replaced: [String] = []
        public var conflicts: [String] = []
        public var auditRecords = 0
        public var notices = 0
        public var lockouts = 0
        public var written = false
    }

    /// A table that belongs to a user's registration, and its columns (without the row id).
    struct UserTable {
        let name: String
        let columns: [String]
        /// Rows of this table are compared when deciding whether two registrations are the same.
        let compared: Bool
    }

    static let registrationTables = [
        UserTable(name: "accounts", columns: ["user", "uid", "bound_at"], compared: false),
        UserTable(name: "methods", columns: ["user", "kind", "created", "confirmed", "secret", "destination", "last_step", "set_by"], compared: true),
        UserTable(name: "questions", columns: ["user", "question_id", "question_text", "answer_hash"], compared: true),
        UserTable(name: "recovery_codes", columns: ["user", "code_hash", "used_at"], compared: true),
        UserTable(name: "passes", columns: ["user", "pass_hash", "issued_by", "issued_at", "expires_at", "reusable", "used_at"], compared: true),
    ]

    let source: Store
    let destination: Store
    /// The name written into audit rows that came from a store without one: the machine running the copy.
    let host: String

    public init(from source: Store, to destination: Store, host: String) {
        self.source = source
        self.destination = destination
        self.host = host
    }

    /// Runs the copy. With `dryRun` everything is checked and counted and then rolled back.
    public func run(force: Bool, dryRun: Bool) throws(SSPRError) -> Result {
        var result = Result()
        let users = try registeredUsers(in: source)
        let sourceRows = try snapshot(of: source, users: users)
        do {
            try destination.transaction { () throws(SSPRError) in
                let existing = Set(try registeredUsers(in: destination))
                let destinationRows = try snapshot(of: destination, users: users.filter { existing.contains($0) })
                for user in users {
                    if !existing.contains(user) {
                        result.copied.append(user)
                    } else if Self.sameRegistration(sourceRows[user] ?? [:], destinationRows[user] ?? [:]) {
                        result.unchanged.append(user)
                    } else if force {
                        result.replaced.append(user)
                    } else {
                        result.conflicts.append(user)
                    }
                }
                if !result.conflicts.isEmpty { throw .storeFailure("conflicts") }
                for user in result.replaced {
                    for table in Self.registrationTables { _ = try destination.run("DELETE FROM \(table.name) WHERE user = ?", [.text(user)]) }
                }
                for user in result.copied + result.replaced {
                    for table in Self.registrationTables {
                        for row in sourceRows[user]?[table.name] ?? [] { try insert(table.name, table.columns, row) }
                    }
                }
                // Registrations merge idempotently; the audit and the notices are appended, so they come along
                // once per source store: a second run finds the first one's marker and leaves them.
                let marker = "\(host):\(source.path)"
                let copiedBefore = try destination.scalarInt("SELECT count(*) FROM audit WHERE event = 'store_migrated' AND detail = ?",
                                                             [.text(marker)]) > 0
                try copyLockouts(&result)
                if !copiedBefore {
                    try copyAudit(&result)
                    try copyNotices(&result)
                    _ = try destination.run("""
                        INSERT INTO audit (at, user, event, result, service, actor, detail, host)
                        VALUES (?, '', 'store_migrated', 'pass', 'sspr', 'root', ?, ?)
                        """, [.integer(SystemClock.now()), .text(marker), .text(host)])
                }
                if dryRun { throw .storeFailure("dry run") }
            }
            result.written = true
        } catch {
            // The transaction rolled back: a conflict or a dry run wrote nothing, which the result says.
            guard case .storeFailure(let reason) = error, reason == "conflicts" || reason == "dry run" else { throw error }
        }
        return result
    }

    /// Every name with a registration or a binding in `store`.
    func registeredUsers(in store: Store) throws(SSPRError) -> [String] {
        let union = Self.registrationTables.map { "SELECT user FROM \($0.name)" }.joined(separator: " UNION ")
        return try store.query("SELECT user FROM (\(union)) AS registered ORDER BY user").compactMap { $0.first?.text }
    }

    /// Per user, per table, the rows in a stable order.
    func snapshot(of store: Store, users: [String]) throws(SSPRError) -> [String: [String: [[SQLValue]]]] {
        var rows: [String: [String: [[SQLValue]]]] = [:]
        for user in users {
            for table in Self.registrationTables {
                let columns = table.columns.joined(separator: ", ")
                rows[user, default: [:]][table.name] = try store.query(
                    "SELECT \(columns) FROM \(table.name) WHERE user = ? ORDER BY \(table.columns.dropFirst().joined(separator: ", "))",
                    [.text(user)])
            }
        }
        return rows
    }

    /// The same account (uid) and the same secrets; creation times and TOTP steps may differ.
    static func sameRegistration(_ a: [String: [[SQLValue]]], _ b: [String: [[SQLValue]]]) -> Bool {
        func uid(_ rows: [String: [[SQLValue]]]) -> SQLValue? { rows["accounts"]?.first?[1] }
        if let left = uid(a), let right = uid(b), left != .null, right != .null, left != right { return false }
        func essence(_ rows: [String: [[SQLValue]]], _ table: UserTable) -> [[SQLValue]] {
            let rows = rows[table.name] ?? []
            switch table.name {
            case "methods": return rows.map { [$0[1], $0[4], $0[5]] }          // kind, secret, destination
            case "questions": return rows.map { [$0[1], $0[3]] }               // question, answer hash
            case "recovery_codes": return rows.map { [$0[1]] }                 // code hash
            case "passes": return rows.map { [$0[1], $0[4]] }                  // pass hash, expiry
            default: return rows
            }
        }
        return registrationTables.filter(\.compared).allSatisfy { essence(a, $0) == essence(b, $0) }
    }

    private func insert(_ table: String, _ columns: [String], _ row: [SQLValue]) throws(SSPRError) {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        _ = try destination.run("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))", row)
    }

    /// An active lockout follows its user: moving to the fleet store must not be a way out of one.
    private func copyLockouts(_ result: inout Result) throws(SSPRError) {
        for row in try source.query("SELECT user, until FROM lockouts") {
            guard let user = row[0].text, let until = row[1].integer else { continue }
            // The later end wins: SQLite's two-argument max() is PostgreSQL's greatest().
            let later = destination.engine == .sqlite ? "max" : "greatest"
            _ = try destination.run("""
                INSERT INTO lockouts (user, until) VALUES (?, ?)
                ON CONFLICT (user) DO UPDATE SET until = \(later)(lockouts.until, excluded.until)
                """, [.text(user), .integer(until)])
            result.lockouts += 1
        }
    }

    private func copyAudit(_ result: inout Result) throws(SSPRError) {
        let columns = ["at", "user", "event", "method", "result", "service", "tty", "rhost", "actor", "detail", "host"]
        for var row in try source.query("SELECT \(columns.joined(separator: ", ")) FROM audit ORDER BY id") {
            if (row[10].text ?? "").isEmpty { row[10] = .text(host) }
            try insert("audit", columns, row)
            result.auditRecords += 1
        }
    }

    private func copyNotices(_ result: inout Result) throws(SSPRError) {
        let columns = ["user", "recipients", "subject", "body", "created_at", "attempts", "next_attempt_at", "last_error"]
        for row in try source.query("SELECT \(columns.joined(separator: ", ")) FROM outbox WHERE delivered_at IS NULL ORDER BY id") {
            try insert("outbox", columns, row)
            result.notices += 1
        }
    }
}
