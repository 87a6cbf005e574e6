// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// The lock lckpwdf(3) takes: a POSIX write lock on the whole of `/etc/.pwd.lock` (created 0600 when missing).
/// passwd, chpasswd, useradd, vipw and pam_unix all take it before writing the account files, so holding it
/// keeps them out while we write.
///
/// Guarantees: `acquire` returns only with the lock held, or throws after at most about `timeoutMilliseconds`
/// (glibc's own wait is 15 s). The lock is released by `release()` or when the object goes away. Because
/// fcntl locks belong to the process, the lock file is opened nowhere else in this process while it is held
/// (closing any descriptor of it would drop the lock).
public final class PasswordFileLock {
    public let path: String
    private var file: OpenFile?

    private init(path: String, file: OpenFile) {
        self.path = path
        self.file = file
    }

    public static func acquire(path: String, timeoutMilliseconds: Int, pollMilliseconds: Int = 100) throws(LockFailure) -> PasswordFileLock {
        let file: OpenFile
        do {
            // O_NOFOLLOW: a symlink planted at the lock path must not make root create or lock another file.
            file = try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
        } catch {
            throw .failed(error)
        }
        let deadline = SystemClock.monotonicMilliseconds() + Int64(max(0, timeoutMilliseconds))
        // Polling instead of F_SETLKW + alarm(): the module may install no signal handlers.
        while true {
            let locked: Bool
            do { locked = try file.tryWriteLock() } catch { throw .failed(error) }
            if locked { return PasswordFileLock(path: path, file: file) }
            let now = SystemClock.monotonicMilliseconds()
            if now >= deadline { throw .busy(path: path) }
            SystemClock.sleep(milliseconds: Int(min(Int64(max(1, pollMilliseconds)), deadline - now)))
        }
    }

    /// Drops the lock (closing the descriptor releases it). Calling it again does nothing.
    public func release() { file = nil }

    public var isHeld: Bool { file != nil }
}
