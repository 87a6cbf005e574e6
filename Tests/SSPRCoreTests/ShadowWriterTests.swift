// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore
import SSPRSystem

@Suite("Shadow writer")
struct ShadowWriterTests {
    let today = 20_416
    let newHash = "$6$rounds=5000$newsalt$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ./abcdefghijklmnopqrs"

    /// Files that must never be left behind by a write (temp files, helper lock files, the lock itself).
    func leftovers(_ sandbox: ShadowSandbox) throws -> Set<String> {
        try sandbox.names(in: sandbox.etc).filter {
            $0 == "shadow+" || $0 == "shadow-+" || $0 == "shadow.lock" || $0.hasPrefix("shadow.")
        }
    }

    func replace(_ user: String, line: String, with newLine: String) throws {
        let sandbox = try ShadowSandbox()
        let path = sandbox.paths.shadow
        let before = try sandbox.text(path)
        #expect(before.components(separatedBy: line).count == 2, "fixture line for \(user) appears once")
        let expected = before.replacingOccurrences(of: line, with: newLine)

        let update = try ShadowWriter(paths: sandbox.paths)
            .replaceHash(user: user, expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)

        #expect(try sandbox.bytes(path) == Array(expected.utf8))
        #expect(update.previousHash == FixtureLines.yescrypt)
        #expect(update.lastChange == today)
        #expect(try sandbox.bytes(sandbox.etc + "/shadow-") == Array(before.utf8))
        #expect(try leftovers(sandbox).isEmpty)
    }

    @Test func replacesAlice() throws {
        try replace("alice", line: FixtureLines.alice, with: "alice:\(newHash):\(today):0:99999:7:::\n")
    }

    @Test func replacesJudyOnTheLastLineWithoutNewline() throws {
        try replace("judy", line: FixtureLines.judy, with: "judy:\(newHash):\(today):0:99999:7:::")
    }

    @Test func replacesIvanKeepingExtraFields() throws {
        try replace("ivan", line: FixtureLines.ivan, with: "ivan:\(newHash):\(today):0:99999:7::::extra:fields\n")
    }

    @Test func mustChangeBecomesToday() throws {
        let sandbox = try ShadowSandbox()
        _ = try ShadowWriter(paths: sandbox.paths)
            .replaceHash(user: "gina", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        let gina = try #require(ShadowFile(bytes: try sandbox.bytes(sandbox.paths.shadow)).entry(named: "gina")).entry
        #expect(gina.lastChange == today)
        #expect(gina.state(today: today) == .active)
    }

    @Test func adminLockedCarolIsRefused() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        #expect(throws: ShadowUpdateError.adminLocked(user: "carol", path: sandbox.paths.shadow)) {
            try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "carol", expectedCurrentHash: FixtureLines.carolHash, newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(!sandbox.exists(sandbox.etc + "/shadow-"))
        #expect(try leftovers(sandbox).isEmpty)
    }

    @Test func noPasswordDaveIsRefusedAsLocked() throws {
        // "!!" also starts with '!': never written, whatever the caller expected.
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        #expect(throws: ShadowUpdateError.adminLocked(user: "dave", path: sandbox.paths.shadow)) {
            try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "dave", expectedCurrentHash: "!!", newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
    }

    @Test func changedHashIsEntryChanged() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        #expect(throws: ShadowUpdateError.entryChanged(user: "alice", path: sandbox.paths.shadow)) {
            try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "alice", expectedCurrentHash: "$y$j9T$other$hash", newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(try leftovers(sandbox).isEmpty)
    }

    @Test func missingUserIsUserNotFound() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        #expect(throws: ShadowUpdateError.userNotFound(user: "nobody", path: sandbox.paths.shadow)) {
            try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "nobody", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
    }

    @Test func badInputsAreRefusedBeforeAnyLock() throws {
        let sandbox = try ShadowSandbox()
        let writer = ShadowWriter(paths: sandbox.paths)
        let y = FixtureLines.yescrypt
        #expect(throws: ShadowUpdateError.invalidUserName) { try writer.replaceHash(user: "+", expectedCurrentHash: y, newHash: newHash, today: today) }
        #expect(throws: ShadowUpdateError.invalidUserName) { try writer.replaceHash(user: "a:b", expectedCurrentHash: y, newHash: newHash, today: today) }
        #expect(throws: ShadowUpdateError.invalidNewHash) { try writer.replaceHash(user: "alice", expectedCurrentHash: y, newHash: "!" + newHash, today: today) }
        #expect(throws: ShadowUpdateError.invalidNewHash) { try writer.replaceHash(user: "alice", expectedCurrentHash: y, newHash: "a:b", today: today) }
        #expect(throws: ShadowUpdateError.invalidNewHash) { try writer.replaceHash(user: "alice", expectedCurrentHash: y, newHash: "", today: today) }
        #expect(throws: ShadowUpdateError.invalidDay(0)) { try writer.replaceHash(user: "alice", expectedCurrentHash: y, newHash: newHash, today: 0) }
        #expect(!sandbox.exists(sandbox.paths.passwordLock))
    }

    @Test func ownerGroupAndModeArePreserved() throws {
        let sandbox = try ShadowSandbox()
        let path = sandbox.paths.shadow
        #expect(chown(path, 0, 42) == 0)
        #expect(chmod(path, 0o640) == 0)
        _ = try ShadowWriter(paths: sandbox.paths)
            .replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        let status = try #require(sandbox.status(path))
        #expect(status.uid == 0 && status.gid == 42 && status.mode == 0o640)
        let backup = try #require(sandbox.status(sandbox.etc + "/shadow-"))
        #expect(backup.uid == 0 && backup.gid == 42 && backup.mode == 0o640)
    }

    @Test func backupHoldsThePreviousVersion() throws {
        let sandbox = try ShadowSandbox()
        let writer = ShadowWriter(paths: sandbox.paths)
        _ = try writer.replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        let afterFirst = try sandbox.bytes(sandbox.paths.shadow)
        _ = try writer.replaceHash(user: "bob", expectedCurrentHash: try #require(
            ShadowFile(bytes: afterFirst).entry(named: "bob")).entry.hash, newHash: newHash, today: today + 1)
        #expect(try sandbox.bytes(sandbox.etc + "/shadow-") == afterFirst)
        #expect(try sandbox.bytes(sandbox.paths.shadow) != afterFirst)
    }

    @Test func theNewHashVerifies() throws {
        let sandbox = try ShadowSandbox()
        try sandbox.write("ENCRYPT_METHOD YESCRYPT\n", to: sandbox.paths.loginDefs)
        let password = SecretBytes(copying: "correct horse battery staple")
        let method = try LoginDefs.load(paths: sandbox.paths).hashMethod
        let hash = try PasswordHasher.hash(password, method: method)
        #expect(hash.hasPrefix("$y$"))
        _ = try ShadowWriter(paths: sandbox.paths)
            .replaceHash(user: "judy", expectedCurrentHash: FixtureLines.yescrypt, newHash: hash, today: today)
        let judy = try #require(ShadowFile(bytes: try sandbox.bytes(sandbox.paths.shadow)).entry(named: "judy")).entry
        #expect(Crypt.verify(password, against: judy.hash))
        #expect(!Crypt.verify(SecretBytes(copying: "wrong"), against: judy.hash))
    }

    @Test(arguments: ShadowWriteStep.allCases)
    func aFailingStepLeavesShadowIdenticalAndNoTempFile(step: ShadowWriteStep) throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        let namesBefore = try sandbox.names(in: sandbox.etc)
        var writer = ShadowWriter(paths: sandbox.paths)
        writer.failingStep = step
        #expect(throws: ShadowUpdateError.self) {
            try writer.replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(try leftovers(sandbox).isEmpty)
        // Only the lock file and (once the backup step passed) a backup equal to the current file may appear.
        let added = try sandbox.names(in: sandbox.etc).subtracting(namesBefore)
        #expect(added.isSubset(of: [".pwd.lock", "shadow-"]))
        if added.contains("shadow-") { #expect(try sandbox.bytes(sandbox.etc + "/shadow-") == before) }
    }

    @Test func aRealFailureToCreateTheTempFileLeavesShadowIdentical() throws {
        // A non-empty directory where the temp file goes: unlinking it fails (EISDIR) even for root.
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        try FileManager.default.createDirectory(atPath: sandbox.etc + "/shadow+/x", withIntermediateDirectories: true)
        #expect {
            try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        } throws: { error in
            guard case .writeFailed = error as? ShadowUpdateError else { return false }
            return true
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(!sandbox.exists(sandbox.etc + "/shadow.lock"))
        #expect(!sandbox.exists(sandbox.etc + "/shadow-"))
    }

    @Test func aHeldPasswordLockIsLockBusyWithinTheBoundedWait() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        let holder = try LockHolder(path: sandbox.paths.passwordLock)
        defer { holder.stop() }
        #expect(holder.acquired)
        let writer = ShadowWriter(paths: sandbox.paths, lockTimeoutMilliseconds: 600, lockPollMilliseconds: 50)
        let start = Date()
        #expect(throws: ShadowUpdateError.lockBusy(path: sandbox.paths.passwordLock)) {
            try writer.replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.5 && elapsed < 5)
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(try leftovers(sandbox).isEmpty)
    }

    @Test func aLiveShadowUtilsLockIsRespected() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        let lockPath = sandbox.etc + "/shadow.lock"
        try sandbox.write(String(getpid()), to: lockPath)   // a live process: this one
        let writer = ShadowWriter(paths: sandbox.paths, lockTimeoutMilliseconds: 300, lockPollMilliseconds: 50)
        #expect(throws: ShadowUpdateError.lockBusy(path: lockPath)) {
            try writer.replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(try sandbox.text(lockPath) == String(getpid()))   // someone else's lock is never removed
        #expect(!sandbox.exists(sandbox.etc + "/shadow.\(getpid())"))
    }

    @Test func aStaleShadowUtilsLockIsRemoved() throws {
        let sandbox = try ShadowSandbox()
        let lockPath = sandbox.etc + "/shadow.lock"
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        try sandbox.write(String(finished.processIdentifier), to: lockPath)   // a process that has exited
        _ = try ShadowWriter(paths: sandbox.paths, lockTimeoutMilliseconds: 2_000)
            .replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        let alice = try #require(ShadowFile(bytes: try sandbox.bytes(sandbox.paths.shadow)).entry(named: "alice")).entry
        #expect(alice.hash == newHash)
        #expect(!sandbox.exists(lockPath))
    }

    @Test func locksAreReleasedAfterAnUpdate() throws {
        let sandbox = try ShadowSandbox()
        _ = try ShadowWriter(paths: sandbox.paths)
            .replaceHash(user: "alice", expectedCurrentHash: FixtureLines.yescrypt, newHash: newHash, today: today)
        #expect(!sandbox.exists(sandbox.etc + "/shadow.lock"))
        // Another process can take lckpwdf's lock at once.
        let holder = try LockHolder(path: sandbox.paths.passwordLock)
        holder.stop()
        #expect(holder.acquired)
    }
}

/// A separate process holding lckpwdf's fcntl lock (fcntl locks are per process, so it cannot be this one).
final class LockHolder {
    let process = Process()
    private(set) var acquired = false

    init(path: String) throws {
        let script = """
        import fcntl, sys, time
        f = open(sys.argv[1], "a")
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("locked", flush=True)
        time.sleep(20)
        """
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        process.standardOutput = pipe
        try process.run()
        let line = pipe.fileHandleForReading.availableData
        acquired = String(decoding: line, as: UTF8.self).hasPrefix("locked")
    }

    func stop() {
        if process.isRunning {
            // SIGKILL: the runner's spawned children may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
