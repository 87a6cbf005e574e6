// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The store (SPEC section 1): registrations, one-time secrets, failure counters, audit, outbox. Two engines
/// behind one set of statements: an embedded SQLite file (the default, one machine) or a shared PostgreSQL
/// database (a fleet: `store = postgresql://…`).
///
/// Guarantees: a missing, unsafe or damaged store is an error, never an empty registration list; every
/// read-modify-write runs in `transaction`, which serialises writers store-wide: SQLite's `BEGIN IMMEDIATE`
/// lock across the machine's processes, PostgreSQL's transaction-scoped advisory lock across the fleet. So a
/// one-time proof is spent once and a failure counter counts every machine's guesses, whichever machine asks.
public final class Store {
    public enum Engine: String, Sendable { case sqlite = "SQLite", postgresql = "PostgreSQL" }

    /// The file path, or the PostgreSQL URI (which holds no password: `PostgresStoreSetup` refuses one).
    public let path: String
    public let engine: Engine
    let db: SQLConnection
    /// PostgreSQL: statements as the server wants them (`$n` placeholders, `"user"`), translated once each.
    private var translated: [String: String] = [:]

    /// How long a SQLite writer waits for another's transaction before giving up with `storeFailure`.
    public static let busyTimeoutMilliseconds: Int32 = 10_000
    /// The advisory lock every PostgreSQL transaction takes first ("sspr" in ASCII): the fleet-wide equivalent
    /// of SQLite's single writer. Resets and registrations are rare and their transactions a few statements
    /// long, so one lock costs little and keeps the reasoning of the SQLite engine true for the fleet.
    static let fleetLockKey: Int64 = 0x7373_7072

    /// Opens the store `location` names: a `postgresql://` or `postgres://` URI, or a path under `paths`' root.
    /// `timeoutMilliseconds` bounds connecting and every statement on PostgreSQL (`store_timeout`).
    public static func open(location: String, paths: SystemPaths, create: Bool,
                            busyTimeoutMilliseconds: Int32 = Store.busyTimeoutMilliseconds,
                            timeoutMilliseconds: Int = 3000) throws(SSPRError) -> Store {
        if isPostgresURI(location) {
            let connection = try PostgresStoreSetup.connect(uri: location, timeoutMilliseconds: timeoutMilliseconds)
            let store = Store(path: location, engine: .postgresql, db: connection)
            try store.migrate(allowInitialise: create)
            return store
        }
        return try Store(path: paths.path(location), create: create, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    public static func isPostgresURI(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    private init(path: String, engine: Engine, db: SQLConnection) {
        self.path = path
        self.engine = engine
        self.db = db
    }

    /// Opens (with `create`, creates) the SQLite store at `path`: directory 0700 and file 0600, root:root.
    public convenience init(path: String, create: Bool, busyTimeoutMilliseconds: Int32 = Store.busyTimeoutMilliseconds) throws(SSPRError) {
        let db = try SQLiteStoreSetup.open(path: path, create: create, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        self.init(path: path, engine: .sqlite, db: db)
        try migrate(allowInitialise: create)
    }

    /// The schema version the store records (SQLite: `PRAGMA user_version`; PostgreSQL: `sspr_schema`).
    public func schemaVersion() throws(SSPRError) -> Int {
        switch engine {
        case .sqlite: return Int(try scalarInt("PRAGMA user_version"))
        case .postgresql:
            let exists = try scalarInt("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'sspr_schema' AND schemaname = current_schema()")
            return exists == 0 ? 0 : Int(try scalarInt("SELECT coalesce(max(version), 0) FROM sspr_schema"))
        }
    }

    /// Whether the connection can still be used: always for SQLite; for PostgreSQL, false once the server is
    /// known to have closed it (ssprd then opens a new one instead of failing the next call).
    public var isConnected: Bool { (db as? PostgresDatabase)?.isAlive ?? true }

    /// What `sspr admin check` says about the store: the engine, where it is reached, whether the connection
    /// is encrypted, the server's version and the schema version.
    public func summary() throws(SSPRError) -> String {
        let schema = "schema version \(try schemaVersion()) of \(StoreSchema.currentVersion)"
        guard let postgres = db as? PostgresDatabase else { return "SQLite \(SQLiteDatabase.libraryVersion), \(schema)" }
        let socket = postgres.host.hasPrefix("/")
        let served = socket ? ", served by \(postgres.requiredPeer ?? "anyone (no requirepeer)")" : ""
        let tls = postgres.tlsVersion.map { "TLS \($0)" } ?? (socket ? "local socket\(served), no TLS" : "no TLS")
        return "PostgreSQL \(postgres.serverVersion) at \(postgres.host), \(tls), \(schema)"
    }

    private var migrations: [String] { engine == .sqlite ? StoreSchema.migrations : PostgresStoreSchema.migrations }

    private func migrate(allowInitialise: Bool) throws(SSPRError) {
        let current = StoreSchema.currentVersion
        let version = try schemaVersion()
        if version > current {
            throw .storeUnavailable("store \(path) has schema version \(version); this sspr knows up to \(current)")
        }
        if version == current { return try checkTables() }
        if version == 0 && !allowInitialise {
            throw .storeUnavailable("store \(path) is not initialised (run sspr admin init as root)")
        }
        try transaction { () throws(SSPRError) in
            // Re-read under the lock: another machine may have migrated the shared store meanwhile.
            let locked = try schemaVersion()
            if locked >= current { return }
            for index in locked..<current {
                do throws(DatabaseError) {
                    try db.execute(migrations[index])
                    switch engine {
                    case .sqlite: try db.execute("PRAGMA user_version = \(index + 1)")
                    case .postgresql: try db.execute("INSERT INTO sspr_schema (version) VALUES (\(index + 1))")
                    }
                } catch {
                    throw .storeFailure("migration \(index + 1) of \(path) failed: \(error.message)")
                }
            }
        }
    }

    /// Cheap sanity check that the tables are there: a store with the right version but no tables is damaged.
    private func checkTables() throws(SSPRError) {
        let names = StoreSchema.tables.map { "'\($0)'" }.joined(separator: ",")
        let sql = engine == .sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (\(names))"
            : "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename IN (\(names))"
        if try scalarInt(sql) != StoreSchema.tables.count { throw .storeUnavailable("store \(path) is damaged: tables are missing") }
    }

    /// Runs `body` inside one transaction that holds the store's write lock from its first statement; any error
    /// rolls back.
    public func transaction<T>(_ body: () throws(SSPRError) -> T) throws(SSPRError) -> T {
        let begin = engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN; SELECT pg_advisory_xact_lock(\(Store.fleetLockKey))"
        do { try db.execute(begin) } catch {
            if engine == .postgresql { try? db.execute("ROLLBACK") }
            throw map(error)
        }
        do throws(SSPRError) {
            let result = try body()
            do { try db.execute("COMMIT") } catch { throw map(error) }
            return result
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func run(_ sql: String, _ parameters: [SQLValue] = []) throws(SSPRError) -> Int {
        do { return try db.run(statement(sql), parameters) } catch { throw map(error) }
    }

    func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SSPRError) -> [[SQLValue]] {
        do { return try db.query(statement(sql), parameters) } catch { throw map(error) }
    }

    func scalarInt(_ sql: String, _ parameters: [SQLValue] = []) throws(SSPRError) -> Int64 {
        try query(sql, parameters).first?.first?.integer ?? 0
    }

    /// Runs an `INSERT … RETURNING <id>` and returns the new row's id (both engines support RETURNING).
    func insertReturningID(_ sql: String, _ parameters: [SQLValue]) throws(SSPRError) -> Int64 {
        try scalarInt(sql, parameters)
    }

    private func statement(_ sql: String) -> String {
        guard engine == .postgresql else { return sql }
        if let cached = translated[sql] { return cached }
        let result = PostgresDialect.translate(sql)
        if translated.count < 256 { translated[sql] = result }
        return result
    }

    func map(_ error: DatabaseError) -> SSPRError {
        switch error.kind {
        case .damaged: return .storeUnavailable("store \(path) is damaged: \(error.message)")
        case .unreachable: return .storeUnreachable("store \(path) is not reachable: \(error.message)")
        case .busy, .failed: return .storeFailure("\(path): \(error.message)")
        }
    }
}
