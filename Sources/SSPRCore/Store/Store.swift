// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The SQLite store (SPEC section 1): registrations, one-time secrets, failure counters, audit.
///
/// Guarantees: the directory (0700) and file (0600) are root-owned and checked before every open; a missing,
/// unsafe or damaged store is an error, never an empty registration list; every read-modify-write runs inside
/// `BEGIN IMMEDIATE`, so concurrent processes are serialised by SQLite's lock (with a busy timeout).
public final class Store {
    public let path: String
    let db: SQLiteDatabase

    /// How long a writer waits for another's transaction before giving up with `storeFailure`.
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    /// Opens the store at `path`. With `create`, a missing directory and file are created (directory 0700,
    /// file 0600, both root:root); without it, a missing store is `storeUnavailable`.
    public init(path: String, create: Bool, busyTimeoutMilliseconds: Int32 = Store.busyTimeoutMilliseconds) throws(SSPRError) {
        self.path = path
        let directory = FileSystem.parentDirectory(of: path)
        if create { try Store.createIfMissing(directory: directory, file: path) }
        try StorePermissions.checkDirectory(directory)
        try StorePermissions.checkFile(path)
        do {
            db = try SQLiteDatabase(path: path, create: false)
            db.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            try db.execute("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
            let mode = try db.query("PRAGMA journal_mode = WAL").first?.first?.text ?? ""
            if mode != "wal" { throw SQLiteError(code: 0, message: "cannot switch to WAL journal (got \(mode))") }
        } catch let error as SQLiteError {
            if case .storeUnavailable(let damaged) = Store.map(error, path) { throw .storeUnavailable(damaged) }
            throw .storeUnavailable("store \(path) cannot be opened: \(error.message)")
        } catch {
            throw .storeUnavailable("store \(path) cannot be opened")
        }
        try migrate(allowInitialise: create)
    }

    private static func createIfMissing(directory: String, file: String) throws(SSPRError) {
        do {
            try FileSystem.makeDirectories(directory, mode: 0o700, parentMode: 0o755)
            if try FileSystem.status(file) == nil {
                // Create the file ourselves, 0600 with O_EXCL|O_NOFOLLOW, so SQLite never creates it with
                // the caller's umask and never follows a planted link.
                let handle = try OpenFile(path: file, flags: O_CREAT_EXCL_NOFOLLOW_RW, mode: 0o600)
                try handle.changeMode(0o600)
                // A new store is initialised right away so it never sits empty (an empty file is refused).
                let db = try SQLiteDatabase(path: file, create: false)
                try db.execute("PRAGMA journal_mode = WAL; PRAGMA user_version = 0; CREATE TABLE IF NOT EXISTS store_created (at INTEGER)")
            }
        } catch let error as SystemError {
            throw .storeUnavailable(error.description)
        } catch let error as SQLiteError {
            throw .storeUnavailable("store \(file) cannot be created: \(error.message)")
        } catch {
            throw .storeUnavailable("store \(file) cannot be created")
        }
    }

    private func migrate(allowInitialise: Bool) throws(SSPRError) {
        let version = try scalarInt("PRAGMA user_version")
        if version > Int64(StoreSchema.currentVersion) {
            throw .storeUnavailable("store \(path) has schema version \(version); this sspr knows up to \(StoreSchema.currentVersion)")
        }
        if version == Int64(StoreSchema.currentVersion) {
            // Cheap sanity check that the tables are there: a file with the right version but no tables is damaged.
            let names = StoreSchema.tables.map { "'\($0)'" }.joined(separator: ",")
            let tables = try scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (\(names))")
            if tables != StoreSchema.tables.count { throw .storeUnavailable("store \(path) is damaged: tables are missing") }
            return
        }
        if version == 0 && !allowInitialise {
            throw .storeUnavailable("store \(path) is not initialised (run sspr admin check or enroll a user as root)")
        }
        try transaction { () throws(SSPRError) in
            for index in Int(version)..<StoreSchema.migrations.count {
                do throws(SQLiteError) {
                    try db.execute(StoreSchema.migrations[index])
                    try db.execute("PRAGMA user_version = \(index + 1)")
                } catch {
                    throw .storeFailure("migration \(index + 1) of \(path) failed: \(error.message)")
                }
            }
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; any error rolls back.
    public func transaction<T>(_ body: () throws(SSPRError) -> T) throws(SSPRError) -> T {
        do { try db.execute("BEGIN IMMEDIATE") } catch { throw Store.map(error, path) }
        do throws(SSPRError) {
            let result = try body()
            do { try db.execute("COMMIT") } catch { throw Store.map(error, path) }
            return result
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func run(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SSPRError) -> Int {
        do { return try db.run(sql, parameters) } catch { throw Store.map(error, path) }
    }

    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SSPRError) -> [[SQLiteValue]] {
        do { return try db.query(sql, parameters) } catch { throw Store.map(error, path) }
    }

    func scalarInt(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SSPRError) -> Int64 {
        try query(sql, parameters).first?.first?.integer ?? 0
    }

    static func map(_ error: SQLiteError, _ path: String) -> SSPRError {
        switch error.code & 0xff {
        case 11 /* SQLITE_CORRUPT */, 26 /* SQLITE_NOTADB */:
            return .storeUnavailable("store \(path) is damaged: \(error.message)")
        default:
            return .storeFailure("\(path): \(error.message)")
        }
    }
}
