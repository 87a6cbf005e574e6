// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
@testable import SSPRCore
import SSPRSystem

/// A throwaway sandbox root with the fixture `etc/` (accounts in every state) and the default questions.
/// Tests never touch the host's files.
///
/// With SSPR_TEST_POSTGRES set (a URI whose role may create databases; `make test` starts a throwaway server
/// with Tests/support/pg_cluster.py and runs the suite a second time), every sandbox gets a fresh PostgreSQL
/// database as its store instead of the SQLite file: the same tests, the other engine.
final class Sandbox: @unchecked Sendable {
    static let postgresBase = ProcessInfo.processInfo.environment["SSPR_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var usesPostgres: Bool { postgresBase != nil }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    let root: String
    var paths: SystemPaths { SystemPaths(root: root) }
    var storePath: String { root + "/var/lib/sspr/sspr.db" }
    /// The PostgreSQL URI of this sandbox's own database, when the suite runs on PostgreSQL.
    let storeURI: String?

    init(policy: String = "") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sspr-test-\(UUID().uuidString)")
        root = base.path
        if let server = Sandbox.postgresBase {
            let name = "sbx_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try PostgresDatabase(uri: server, timeoutMilliseconds: 30_000).execute("CREATE DATABASE \(name)")
            storeURI = server.replacingOccurrences(of: "///postgres?", with: "///\(name)?")
        } else {
            storeURI = nil
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/etc/security", withIntermediateDirectories: true)
        for name in ["passwd", "group", "shadow"] {
            try fm.copyItem(atPath: Sandbox.fixtures.appendingPathComponent("sandbox-etc/\(name)").path, toPath: root + "/etc/\(name)")
        }
        try fm.copyItem(atPath: Sandbox.repository.appendingPathComponent("config/sspr-questions.conf").path,
                        toPath: root + "/etc/security/sspr-questions.conf")
        try withStore(policy).write(toFile: root + "/etc/security/sspr.conf", atomically: false, encoding: .utf8)
        chmod(root + "/etc/security/sspr.conf", 0o644)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
        if let server = Sandbox.postgresBase, let storeURI, let name = storeURI.split(separator: "?").first?.split(separator: "/").last {
            try? PostgresDatabase(uri: server, timeoutMilliseconds: 30_000).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// `text` with this sandbox's PostgreSQL store, unless the test names a store itself.
    func withStore(_ text: String) -> String {
        guard let storeURI, !text.contains("store =") else { return text }
        return text + (text.isEmpty || text.hasSuffix("\n") ? "" : "\n") + "store = \(storeURI)\n"
    }

    func policy(_ text: String = "") -> Policy {
        let result = PolicyLoader.parse(withStore(text), source: "test")
        return result.policy
    }

    /// Everything the store holds as bytes, to show a secret is not in it: the SQLite file, or on PostgreSQL
    /// every row of every table as text.
    func storeContents() throws -> [UInt8] {
        guard storeURI != nil else { return fileBytes(storePath) ?? [] }
        let db = try database()
        var bytes: [UInt8] = []
        for table in StoreSchema.tables {
            for row in try db.query("SELECT * FROM \(table)") {
                for value in row { bytes += value.blob ?? Array(String(describing: value).utf8) }
            }
        }
        return bytes
    }

    /// A direct connection to this sandbox's store, for tests that plant or inspect rows; statements are
    /// written for SQLite and translated for PostgreSQL as the store does.
    func database() throws -> RawStore {
        if let storeURI { return RawStore(db: try PostgresDatabase(uri: storeURI, timeoutMilliseconds: 30_000), postgres: true) }
        return RawStore(db: try SQLiteDatabase(path: storePath, create: false), postgres: false)
    }

    /// An engine on this sandbox's store (created on first use) with an optional fixed clock.
    func engine(_ policyText: String = "", clock: (@Sendable () -> Int64)? = nil) throws -> RecoveryEngine {
        let policy = policy(policyText)
        if let clock { return try RecoveryEngine.open(paths: paths, policy: policy, create: true, clock: clock) }
        return try RecoveryEngine.open(paths: paths, policy: policy, create: true)
    }

    /// Registers three questions of the default catalogue for `user` (answers Rex, Ford, Smith).
    func enrolQuestions(_ engine: RecoveryEngine, _ user: String) throws {
        try engine.enrollQuestions(user: user, answers: [("first-pet", "Rex"), ("first-car", "Ford"), ("first-teacher", "Smith")].map {
            QuestionsMethod.Answer(questionID: $0.0, answer: secret($0.1))
        }, catalogue: QuestionCatalogue.load(path: paths.questions).catalogue, context: .commandLine)
    }

    func fileBytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }
}

/// A store connection for tests, with the store's own translation of statements for PostgreSQL.
struct RawStore {
    let db: SQLConnection
    let postgres: Bool
    func sql(_ text: String) -> String { postgres ? PostgresDialect.translate(text) : text }
    func execute(_ text: String) throws { try db.execute(sql(text)) }
    @discardableResult func run(_ text: String, _ parameters: [SQLValue] = []) throws -> Int { try db.run(sql(text), parameters) }
    func query(_ text: String, _ parameters: [SQLValue] = []) throws -> [[SQLValue]] { try db.query(sql(text), parameters) }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ start: Int64 = 1_800_000_000) { value = start }
    var now: Int64 { lock.withLock { value } }
    func advance(_ seconds: Int64) { lock.withLock { value += seconds } }
    var closure: @Sendable () -> Int64 { { [self] in self.now } }
}

func secret(_ text: String) -> SecretBytes { SecretBytes(copying: text) }

/// The log reason of a `notAvailable` refusal, another error's description, or nil when `body` succeeded.
func notAvailableReason<T>(_ body: () throws -> T) -> String? {
    do { _ = try body(); return nil } catch let error as SSPRError {
        if case .notAvailable(let m) = error { return m }
        return "\(error)"
    } catch { return "\(error)" }
}

/// Runs `count` closures at once, each on its own thread, released together, and returns their results.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let lock = NSLock()
    nonisolated(unsafe) var results: [T] = []
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for i in 0..<count {
        group.enter()
        let thread = Thread {
            start.wait()
            let r = body(i)
            lock.withLock { results.append(r) }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
    return results
}
