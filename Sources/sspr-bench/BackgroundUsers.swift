// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem

/// The background users of figures 1 and 6, as enrollment would leave them: per user a TOTP secret, three
/// questions, ten recovery-code hashes and three audit records, written as one transaction of set-based INSERTs
/// for either store engine (enrolling 100,000 users through the engine would take hours and measure nothing
/// the figures are about). Both engines get the same rows, so figure 6 compares engines and nothing else.
struct BackgroundUsers {
    enum Dialect { case sqlite, postgresql }

    let count: Int
    /// `created`, `confirmed` and the audit time of every row.
    let time: Int64
    /// The first `boundUsers` users are bound to uid 20000 + i (`accounts`), as enrollment binds them: the
    /// ones a sandbox lists in its passwd (`Sandbox.make` gives its extra users uid 20001, 20002, …).
    let boundUsers: Int
    private let questions: [(id: String, text: String, hash: String)]
    private let codeHash: String

    static let questionIDs = ["first-street", "childhood-friend", "first-teacher"]

    /// Hashes are computed once and shared by every user: hashing 300,000 answers with yescrypt would take
    /// hours and changes nothing about lookups.
    init(count: Int, time: Int64, boundUsers: Int = 0, catalogue: QuestionCatalogue) {
        self.count = count
        self.time = time
        self.boundUsers = boundUsers
        do {
            let slow = try Crypt.makeSetting(prefix: nil, cost: 0)
            questions = try BackgroundUsers.questionIDs.map { id in
                (id, catalogue.question(id: id)?.text ?? id, try Crypt.hash(SecretBytes(copying: "main street"), setting: slow))
            }
            codeHash = try Crypt.hash(SecretBytes(copying: "7KQ2MXH4PD"), setting: try Crypt.makeSetting(prefix: "$5$", cost: 1000))
        } catch {
            fail("hashing: \(error)")
        }
    }

    /// User `i` (from 1): bg000001, bg000002, …
    static func name(_ i: Int) -> String { String(format: "bg%06d", i) }

    /// User `i`'s TOTP secret: distinct per user and known to the benchmark without a lookup, so a machine of
    /// figure 6 can compute any user's code (20 bytes, the length enrollment uses; its value costs nothing).
    static func secret(_ i: Int) -> SecretBytes { SecretBytes(copying: String(format: "%020d", i)) }

    /// The whole transaction. The statements are written once: only the row generator, the name and secret
    /// expressions and BEGIN differ between the engines (`"user"` is quoted for PostgreSQL; SQLite accepts it).
    func sql(_ dialect: Dialect) -> String {
        let postgres = dialect == .postgresql
        // A row source of the numbers 1...upTo as `table(column)`.
        func rows(_ sources: [(table: String, column: String, upTo: Int)]) -> String {
            let parts = sources.map { (table, column, upTo) in postgres
                ? "\(table)(\(column)) AS (SELECT generate_series(1, \(upTo)))"
                : "\(table)(\(column)) AS (SELECT 1 UNION ALL SELECT \(column) + 1 FROM \(table) WHERE \(column) < \(upTo))" }
            return (postgres ? "WITH " : "WITH RECURSIVE ") + parts.joined(separator: ", ")
        }
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        let name = postgres ? "'bg' || lpad(i::text, greatest(6, length(i::text)), '0')" : "printf('bg%06d', i)"
        let secret = postgres ? "convert_to(lpad(i::text, 20, '0'), 'UTF8')" : "CAST(printf('%020d', i) AS BLOB)"
        let users = rows([("n", "i", count)])
        let t = time
        var sql = postgres ? "BEGIN;\n" : "BEGIN IMMEDIATE;\n"
        sql += "\(users) INSERT INTO methods (\"user\", kind, created, confirmed, secret, last_step) SELECT \(name), 'totp', \(t), \(t), \(secret), -1 FROM n;\n"
        for kind in ["questions", "recovery_code"] {
            sql += "\(users) INSERT INTO methods (\"user\", kind, created, confirmed) SELECT \(name), '\(kind)', \(t), \(t) FROM n;\n"
        }
        for question in questions {
            sql += "\(users) INSERT INTO questions (\"user\", question_id, question_text, answer_hash) SELECT \(name), \(quote(question.id)), \(quote(question.text)), \(quote(question.hash)) FROM n;\n"
        }
        // Ten codes per user, interleaved by user as generate() would leave them.
        sql += "\(rows([("n", "i", count), ("k", "j", 10)])) INSERT INTO recovery_codes (\"user\", code_hash) SELECT \(name), \(quote(codeHash)) FROM n, k ORDER BY i, j;\n"
        sql += "\(users), m(kind) AS (VALUES ('totp'), ('questions'), ('recovery_code')) INSERT INTO audit (at, \"user\", event, method, result, service, tty, rhost, actor, detail) SELECT \(t), \(name), 'enroll', kind, 'pass', 'sspr', '', '', 'root', '' FROM n, m;\n"
        if boundUsers > 0 {
            sql += "\(users) INSERT INTO accounts (\"user\", uid, bound_at) SELECT \(name), 20000 + i, \(t) FROM n WHERE i <= \(boundUsers);\n"
        }
        return sql + "COMMIT;\n"
    }

    /// Writes the users into the SQLite store at `path` (schema already created) and checkpoints the WAL, so
    /// the file's size is the store's; returns the seconds taken.
    func write(sqlite path: String) -> Double {
        let started = nowNanoseconds()
        do {
            let db = try SQLiteDatabase(path: path, create: false)
            db.setBusyTimeout(milliseconds: 10_000)
            try db.execute(sql(.sqlite))
            _ = try db.query("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fail("populating \(path): \(error)")
        }
        return Double(nowNanoseconds() - started) / 1e9
    }

    /// Writes the users into the PostgreSQL store at `uri` (schema already created), then VACUUM ANALYZE of
    /// the tables written: a fleet's server has statistics on its tables (autovacuum), a freshly loaded one
    /// not yet. (Named tables: the store's role may not vacuum the shared catalogues and would warn.)
    func write(postgres uri: String) -> Double {
        let started = nowNanoseconds()
        do {
            let db = try PostgresDatabase(uri: uri, timeoutMilliseconds: 600_000)
            try db.execute(sql(.postgresql))
            try db.execute("VACUUM ANALYZE methods, questions, recovery_codes, audit, accounts")
        } catch {
            fail("populating \(uri): \(error)")
        }
        return Double(nowNanoseconds() - started) / 1e9
    }
}
