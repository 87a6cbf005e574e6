// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Opening the embedded SQLite store: the directory (0700) and file (0600) are root-owned and checked before
/// every open; a new store is created by us with O_EXCL|O_NOFOLLOW, never by SQLite with the caller's umask.
enum SQLiteStoreSetup {
    static func open(path: String, create: Bool, busyTimeoutMilliseconds: Int32) throws(SSPRError) -> SQLiteDatabase {
        let directory = FileSystem.parentDirectory(of: path)
        if create { try createIfMissing(directory: directory, file: path) }
        try StorePermissions.checkDirectory(directory)
        try StorePermissions.checkFile(path)
        do throws(DatabaseError) {
            let db = try SQLiteDatabase(path: path, create: false)
            db.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            try db.execute("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
            let mode = try db.query("PRAGMA journal_mode = WAL").first?.first?.text ?? ""
            if mode != "wal" { throw DatabaseError(kind: .failed, message: "cannot switch to WAL journal (got \(mode))") }
            return db
        } catch {
            if error.kind == .damaged { throw .storeUnavailable("store \(path) is damaged: \(error.message)") }
            throw .storeUnavailable("store \(path) cannot be opened: \(error.message)")
        }
    }

    private static func createIfMissing(directory: String, file: String) throws(SSPRError) {
        do {
            try FileSystem.makeDirectories(directory, mode: 0o700, parentMode: 0o755)
            if try FileSystem.status(file) == nil {
                let handle = try OpenFile(path: file, flags: O_CREAT_EXCL_NOFOLLOW_RW, mode: 0o600)
                try handle.changeMode(0o600)
                // A new store is initialised right away so it never sits empty (an empty file is refused).
                let db = try SQLiteDatabase(path: file, create: false)
                try db.execute("PRAGMA journal_mode = WAL; PRAGMA user_version = 0; CREATE TABLE IF NOT EXISTS store_created (at INTEGER)")
            }
        } catch let error as SystemError {
            throw .storeUnavailable(error.description)
        } catch let error as DatabaseError {
            throw .storeUnavailable("store \(file) cannot be created: \(error.message)")
        } catch {
            throw .storeUnavailable("store \(file) cannot be created")
        }
    }
}
