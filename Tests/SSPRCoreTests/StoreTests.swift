// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// The SQLite file's own guarantees (modes, links, damage); PostgresStoreTests has the fleet store's.
@Suite(.enabled(if: !Sandbox.usesPostgres, "the SQLite file's checks")) struct StoreTests {
    private func storeError(_ sandbox: Sandbox, create: Bool = false) -> String? {
        do {
            _ = try Store(path: sandbox.storePath, create: create)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func createsDirectory0700AndFile0600() throws {
        let sandbox = try Sandbox()
        _ = try Store(path: sandbox.storePath, create: true)
        let dir = try #require(try FileSystem.status(sandbox.root + "/var/lib/sspr"))
        let file = try #require(try FileSystem.status(sandbox.storePath))
        #expect(dir.mode == 0o700 && dir.owner == 0 && dir.kind == .directory)
        #expect(file.mode == 0o600 && file.owner == 0 && file.kind == .regular)
    }

    @Test func missingStoreIsAnErrorNotAnEmptyStore() throws {
        let sandbox = try Sandbox()
        let message = try #require(storeError(sandbox))
        #expect(message.contains("does not exist"))
        #expect(try FileSystem.status(sandbox.storePath) == nil, "nothing created")
    }

    /// Each unsafe state is refused, the message names the path and the fault, and the file is unchanged.
    @Test(arguments: ["owner", "group-readable", "other-readable", "dir-mode", "dir-owner", "symlink", "dir-symlink",
                      "hardlink", "fifo", "directory", "empty", "truncated", "garbage", "newer-schema"])
    func unsafeOrDamagedStoreIsRefused(_ fault: String) throws {
        let sandbox = try Sandbox()
        do {
            let engine = try sandbox.engine()
            _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        }
        let path = sandbox.storePath
        let dir = sandbox.root + "/var/lib/sspr"
        var expected: String
        switch fault {
        case "owner": chown(path, 1001, 0); expected = "owned by uid 1001"
        case "group-readable": chmod(path, 0o640); expected = "mode 0640"
        case "other-readable": chmod(path, 0o604); expected = "mode 0604"
        case "dir-mode": chmod(dir, 0o755); expected = "store directory \(dir) has mode 0755"
        case "dir-owner": chown(dir, 1001, 0); expected = "store directory \(dir) is owned by uid 1001"
        case "symlink":
            try FileManager.default.moveItem(atPath: path, toPath: dir + "/real.db")
            symlink(dir + "/real.db", path); expected = "is a symbolic link"
        case "dir-symlink":
            try FileManager.default.moveItem(atPath: dir, toPath: sandbox.root + "/var/lib/elsewhere")
            symlink(sandbox.root + "/var/lib/elsewhere", dir); expected = "is a symbolic link"
        case "hardlink": link(path, sandbox.root + "/var/lib/sspr/other"); expected = "2 hard links"
        case "fifo": unlink(path); mkfifo(path, 0o600); expected = "is not a regular file"
        case "directory": unlink(path); mkdir(path, 0o700); expected = "is not a regular file"
        case "empty": truncate(path, 0); expected = "is empty"
        case "truncated": truncate(path, 1000); expected = "damaged"
        case "garbage":
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path)); expected = "is damaged: file is not a database"
        case "newer-schema":
            let db = try SQLiteDatabase(path: path, create: false)
            try db.execute("PRAGMA user_version = 99"); expected = "schema version 99"
        default: Issue.record("unknown fault"); return
        }
        let before = sandbox.fileBytes(path)
        let message = try #require(storeError(sandbox, create: true), "\(fault) must be refused")
        #expect(message.contains(expected), "\(fault): \(message)")
        #expect(message.contains(fault.hasPrefix("dir") ? dir : path), "names the path: \(message)")
        #expect(sandbox.fileBytes(path) == before, "nothing written")
    }

    @Test func damagedStoreIsNeverReadAsNothingRegistered() throws {
        let sandbox = try Sandbox()
        do {
            let engine = try sandbox.engine()
            _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        }
        // Overwrite the middle of the file (the tables' pages) with garbage.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sandbox.storePath))
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xFF, count: 4096 * 6))
        try handle.close()
        do {
            let engine = try sandbox.engine()
            let methods = try engine.registeredMethods("alice")
            Issue.record("damaged store read as \(methods)")
        } catch let error as SSPRError {
            switch error {
            case .storeUnavailable, .storeFailure: break
            default: Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func schemaVersionIsRecorded() throws {
        let sandbox = try Sandbox()
        _ = try Store(path: sandbox.storePath, create: true)
        let db = try SQLiteDatabase(path: sandbox.storePath, create: false)
        #expect(try db.query("PRAGMA user_version").first?.first?.integer == 6)
        // Reopening an up-to-date store changes nothing.
        let before = sandbox.fileBytes(sandbox.storePath)
        _ = try Store(path: sandbox.storePath, create: false)
        #expect(sandbox.fileBytes(sandbox.storePath) == before)
    }
}
