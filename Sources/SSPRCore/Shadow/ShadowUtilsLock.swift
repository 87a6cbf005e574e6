// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// shadow-utils' own lock on a database file (commonio style): `<file>.lock`, a file holding the owner's pid,
/// made atomically by writing `<file>.<pid>` and hard-linking it to `<file>.lock` (link fails if the lock
/// exists). useradd, usermod, chpasswd, pwck and vipw take it besides lckpwdf, so we take both.
///
/// Guarantees: `acquire` returns only with `<file>.lock` created by us and naming our pid, or throws after
/// about `timeoutMilliseconds`. A lock naming a process that no longer exists is stale and removed; a lock
/// naming a live process, or no readable pid, is respected. The `<file>.<pid>` helper file never outlives
/// `acquire`. `release()` removes the lock only if it still names our pid.
public final class ShadowUtilsLock {
    public let lockPath: String
    private let pid: Int32
    private var held: Bool

    private init(lockPath: String, pid: Int32) {
        self.lockPath = lockPath
        self.pid = pid
        held = true
    }

    deinit { release() }

    public static func acquire(file: String, timeoutMilliseconds: Int, pollMilliseconds: Int = 100) throws(LockFailure) -> ShadowUtilsLock {
        let pid = ProcessTable.currentID
        let lockPath = file + ".lock"
        let pidPath = file + "." + String(pid)
        let deadline = SystemClock.monotonicMilliseconds() + Int64(max(0, timeoutMilliseconds))
        do {
            // A leftover `<file>.<our pid>` can only come from a crashed earlier process with our pid.
            try FileSystem.removeIfPresent(pidPath)
            let helper = try OpenFile(path: pidPath, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            try helper.writeAll(Array(String(pid).utf8))
        } catch {
            try? FileSystem.removeIfPresent(pidPath)
            throw .failed(error)
        }
        defer { try? FileSystem.removeIfPresent(pidPath) }
        while true {
            do {
                if try tryLink(pidPath: pidPath, lockPath: lockPath) {
                    return ShadowUtilsLock(lockPath: lockPath, pid: pid)
                }
            } catch {
                throw .failed(error)
            }
            let now = SystemClock.monotonicMilliseconds()
            if now >= deadline { throw .busy(path: lockPath) }
            SystemClock.sleep(milliseconds: Int(min(Int64(max(1, pollMilliseconds)), deadline - now)))
        }
    }

    /// One attempt: true when the lock is ours. Removes a stale lock (dead owner) and tries once more.
    private static func tryLink(pidPath: String, lockPath: String) throws(SystemError) -> Bool {
        for _ in 0..<2 {
            do {
                try FileSystem.link(pidPath, to: lockPath)
                // As commonio does: trust the link only if the helper now really has two names
                // (some network filesystems report success for a link that was not made).
                guard let status = try FileSystem.status(pidPath), status.linkCount == 2 else {
                    try? FileSystem.removeIfPresent(lockPath)
                    return false
                }
                return true
            } catch let error where error.code == EEXIST {
                guard let owner = try ownerPID(lockPath) else { return false }
                if ProcessTable.isRunning(owner) { return false }
                // Stale: its owner is gone. Remove it and try again.
                try FileSystem.removeIfPresent(lockPath)
            }
        }
        return false
    }

    /// The pid written in a lock file; nil when it vanished or holds no pid (then it is treated as held,
    /// like shadow-utils does, except that a vanished lock simply makes the next attempt succeed).
    private static func ownerPID(_ lockPath: String) throws(SystemError) -> Int32? {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(lockPath, limit: 64)
        } catch let error where error.code == ENOENT {
            return nil
        }
        let digits = bytes.prefix { $0 >= 48 && $0 <= 57 }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value: Int32 = 0
        for byte in digits { value = value * 10 + Int32(byte - 48) }
        return value
    }

    /// Removes the lock if it still names us. Calling it again does nothing.
    public func release() {
        guard held else { return }
        held = false
        if let owner = try? ShadowUtilsLock.ownerPID(lockPath), owner == pid {
            try? FileSystem.removeIfPresent(lockPath)
        }
    }

    public var isHeld: Bool { held }
}
