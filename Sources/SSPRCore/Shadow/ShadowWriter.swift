// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// Replaces one user's password hash in `<root>/etc/shadow` the way pam_unix and shadow-utils do it (SPEC 6).
///
/// Guarantees, for `replaceHash`:
/// - It writes only while holding both lckpwdf's lock (`.pwd.lock`) and shadow-utils' `shadow.lock`, each taken
///   within a bounded wait, and releases both before returning.
/// - It re-reads the file under the locks and writes nothing unless the user's hash is still exactly
///   `expectedCurrentHash`; it never writes an entry whose hash starts with `!` (admin-locked).
/// - The new file differs from the old only in the target line's hash and last-change fields; it gets the old
///   file's owner, group and mode, is fsynced, and replaces `shadow` by one rename after the previous file was
///   copied to `shadow-`. The directory is then fsynced.
/// - On any error, `shadow` is byte-identical to before and no temporary file is left behind.
public struct ShadowWriter {
    public let paths: SystemPaths
    /// Total bounded wait for both locks (glibc's lckpwdf waits 15 s).
    public var lockTimeoutMilliseconds: Int
    public var lockPollMilliseconds: Int
    /// Testing hook: the step named here fails as if its system call returned EIO. Nil in production.
    public var failingStep: ShadowWriteStep?

    /// Files larger than this are refused rather than read (a shadow file is a few KiB to a few MiB).
    static let sizeLimit = 64 << 20

    public init(paths: SystemPaths, lockTimeoutMilliseconds: Int = 15_000, lockPollMilliseconds: Int = 100) {
        self.paths = paths
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
        self.lockPollMilliseconds = lockPollMilliseconds
        failingStep = nil
    }

    var shadowPath: String { paths.shadow }
    var temporaryPath: String { paths.shadow + "+" }          // shadow-utils' name for the new file
    var backupPath: String { paths.shadow + "-" }
    var backupTemporaryPath: String { paths.shadow + "-+" }   // shadow-utils' name for the new backup

    /// Sets `user`'s hash to `newHash` and last-change day to `today`, if the hash is still `expectedCurrentHash`.
    public func replaceHash(user: String, expectedCurrentHash: String, newHash: String, today: Int) throws(ShadowUpdateError) -> ShadowUpdate {
        guard ShadowWriter.isValidUserName(user) else { throw .invalidUserName }
        guard ShadowWriter.isValidHash(newHash) else { throw .invalidNewHash }
        guard today >= 1 else { throw .invalidDay(today) }

        let deadline = SystemClock.monotonicMilliseconds() + Int64(max(0, lockTimeoutMilliseconds))
        // Same order as shadow-utils (lckpwdf first, then shadow.lock), so two writers cannot deadlock.
        let passwordLock: PasswordFileLock
        do {
            passwordLock = try PasswordFileLock.acquire(path: paths.passwordLock, timeoutMilliseconds: lockTimeoutMilliseconds,
                                                        pollMilliseconds: lockPollMilliseconds)
        } catch {
            throw ShadowWriter.mapLockFailure(error)
        }
        defer { passwordLock.release() }
        let shadowLock: ShadowUtilsLock
        do {
            let remaining = Int(max(0, deadline - SystemClock.monotonicMilliseconds()))
            shadowLock = try ShadowUtilsLock.acquire(file: shadowPath, timeoutMilliseconds: remaining,
                                                     pollMilliseconds: lockPollMilliseconds)
        } catch {
            throw ShadowWriter.mapLockFailure(error)
        }
        defer { shadowLock.release() }

        return try updateLocked(user: user, expectedCurrentHash: Array(expectedCurrentHash.utf8),
                                newHash: Array(newHash.utf8), today: today)
    }

    private static func mapLockFailure(_ failure: LockFailure) -> ShadowUpdateError {
        switch failure {
        case .busy(let path): return .lockBusy(path: path)
        case .failed(let error): return .lockFailed(error)
        }
    }

    /// The part that runs under both locks.
    private func updateLocked(user: String, expectedCurrentHash: [UInt8], newHash: [UInt8], today: Int) throws(ShadowUpdateError) -> ShadowUpdate {
        let (original, status) = try readCurrent()

        let contents = ShadowFile(bytes: original)
        guard let (index, entry) = contents.entry(named: user) else {
            throw .userNotFound(user: user, path: shadowPath)
        }
        // Checked before the expected hash: an admin lock must never be lifted, whatever the flow expected.
        if entry.hashBytes.first == 33 /* ! */ { throw .adminLocked(user: user, path: shadowPath) }
        guard entry.hashBytes == expectedCurrentHash else { throw .entryChanged(user: user, path: shadowPath) }
        guard let updated = contents.replacingHash(atLine: index, newHash: newHash, lastChange: today) else {
            throw .malformedEntry(user: user, path: shadowPath)
        }

        let replacement: ReplacementFile
        do {
            try inject(.createTemporary, temporaryPath)
            replacement = try ReplacementFile(target: shadowPath, temporary: temporaryPath)
        } catch {
            throw .writeFailed(error)
        }
        do {
            try inject(.writeTemporary, temporaryPath)
            try replacement.write(updated.bytes)
            try inject(.setOwnership, temporaryPath)
            try replacement.setOwnership(owner: status.owner, group: status.group, mode: status.mode)
            try inject(.syncTemporary, temporaryPath)
            try replacement.sync()
        } catch {
            replacement.discard()
            throw .writeFailed(error)
        }
        do {
            try inject(.keepBackup, backupTemporaryPath)
            try keepBackup(original, like: status)
        } catch {
            replacement.discard()
            throw .backupFailed(error)
        }
        // Everything that honours the locks is kept out, but a plain editor is not: make sure the file we
        // are about to replace is still the one we read, or the other change would be silently lost.
        let current: FileStatus?
        do {
            try inject(.checkUnchanged, shadowPath)
            current = try FileSystem.status(shadowPath)
        } catch {
            replacement.discard()
            throw .readFailed(error)
        }
        guard let current, ShadowWriter.sameVersion(current, status) else {
            replacement.discard()
            throw .fileChanged(path: shadowPath)
        }
        do {
            try inject(.rename, shadowPath)
            try replacement.commit()
        } catch {
            replacement.discard()
            throw .writeFailed(error)
        }
        // The new file is in place from here on: a failed directory fsync is reported, not thrown.
        let synced = (try? FileSystem.syncDirectory(FileSystem.parentDirectory(of: shadowPath))) != nil
        return ShadowUpdate(previousHash: entry.hash, lastChange: today, backupPath: backupPath, directorySynced: synced)
    }

    /// Reads the shadow file and its status through one descriptor, so both describe the same file.
    private func readCurrent() throws(ShadowUpdateError) -> ([UInt8], FileStatus) {
        let file: OpenFile
        let status: FileStatus
        do {
            // O_NOFOLLOW: shadow must be the file itself, never a symlink to something else.
            file = try OpenFile(path: shadowPath, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            status = try file.status()
        } catch {
            throw .readFailed(error)
        }
        guard status.kind == .regular else { throw .notRegularFile(path: shadowPath) }
        do {
            return (try file.readAll(limit: ShadowWriter.sizeLimit), status)
        } catch {
            throw .readFailed(error)
        }
    }

    /// Copies the previous contents to `shadow-` with the original's owner, group and mode (as shadow-utils'
    /// create_backup does), through its own temporary file, so `shadow-` is never half written.
    private func keepBackup(_ bytes: [UInt8], like status: FileStatus) throws(SystemError) {
        let backup = try ReplacementFile(target: backupPath, temporary: backupTemporaryPath)
        do {
            try backup.write(bytes)
            try backup.setOwnership(owner: status.owner, group: status.group, mode: status.mode)
            try backup.sync()
            try backup.commit()
        } catch {
            backup.discard()
            throw error
        }
    }

    private func inject(_ step: ShadowWriteStep, _ path: String) throws(SystemError) {
        if failingStep == step { throw SystemError(EIO, "\(step) (injected)", path: path) }
    }

    static func sameVersion(_ a: FileStatus, _ b: FileStatus) -> Bool {
        a.kind == b.kind && a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modifiedSeconds == b.modifiedSeconds && a.modifiedNanoseconds == b.modifiedNanoseconds
    }

    /// A name that can be an account line's first field and not a comment or NIS line.
    public static func isValidUserName(_ user: String) -> Bool {
        let bytes = Array(user.utf8)
        guard let first = bytes.first, bytes.count <= 256 else { return false }
        if first == 35 || first == 43 || first == 45 { return false }  // '#', '+', '-'
        return !bytes.contains { $0 == 58 || $0 == 10 || $0 == 13 || $0 == 0 }
    }

    /// A hash that fits in the hash field and does not itself mean "locked" or "no password".
    public static func isValidHash(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard let first = bytes.first, first != 33, first != 42 else { return false }  // '!', '*'
        return !bytes.contains { $0 == 58 || $0 == 10 || $0 == 13 || $0 == 0 }
    }
}
