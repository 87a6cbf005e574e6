// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CSQLite

/// One SQLite connection. Statements are prepared, bound, stepped and finalized inside `query`/`execute`, so
/// no statement outlives a call and no caller sees a C pointer.
public final class SQLiteDatabase: SQLConnection {
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, reset after each use: the same few statements run on every request,
    /// and preparing is a good part of their cost.
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (and with `create`, creates) the database at `path`. The path must already have been checked by
    /// the caller: SQLite follows symlinks. `SQLITE_OPEN_NOFOLLOW` refuses a symlink as the last component anyway.
    public init(path: String, create: Bool, readOnly: Bool = false) throws(DatabaseError) {
        var flags = SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteDatabase.error(rc, message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// How long a writer waits for another process's lock before failing with SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws(DatabaseError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw lastError(rc) }
    }

    /// Runs one statement with parameters; returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> Int {
        _ = try query(sql, parameters)
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement with parameters and returns every row.
    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws(DatabaseError) -> [[SQLValue]] {
        var rc: Int32 = SQLITE_OK
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            rc = sqlite3_prepare_v2(handle, sql, -1, &prepared, nil)
            guard rc == SQLITE_OK, let prepared else { throw lastError(rc) }
            if statements.count < 128 { statements[sql] = prepared }
            statement = prepared
        }
        let cached = statements[sql] == statement
        defer {
            if cached {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            } else {
                sqlite3_finalize(statement)
            }
        }
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: rc = sqlite3_bind_null(statement, position)
            case .integer(let v): rc = sqlite3_bind_int64(statement, position, v)
            case .text(let v): rc = sqlite3_bind_text(statement, position, v, -1, sqliteTransient)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), sqliteTransient) }
            }
            if rc != SQLITE_OK { throw lastError(rc) }
        }
        var rows: [[SQLValue]] = []
        while true {
            rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw lastError(rc) }
            let columns = sqlite3_column_count(statement)
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, c)))
                case SQLITE_TEXT:
                    if let p = sqlite3_column_text(statement, c) {
                        row.append(.text(String(cString: p)))
                    } else {
                        row.append(.null)
                    }
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(statement, c))
                    if let p = sqlite3_column_blob(statement, c), n > 0 {
                        row.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                    } else {
                        row.append(.blob([]))
                    }
                case SQLITE_FLOAT: row.append(.integer(Int64(sqlite3_column_double(statement, c))))
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// The SQLite library's version ("3.40.1").
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// The rowid of the last INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    private func lastError(_ rc: Int32) -> DatabaseError {
        SQLiteDatabase.error(rc, handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection")
    }

    static func error(_ rc: Int32, _ message: String) -> DatabaseError {
        let kind: DatabaseError.Kind
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: kind = .busy
        case SQLITE_CORRUPT, SQLITE_NOTADB: kind = .damaged
        default: kind = .failed
        }
        return DatabaseError(kind: kind, code: rc, message: message)
    }
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
private let sqliteTransient = unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)
