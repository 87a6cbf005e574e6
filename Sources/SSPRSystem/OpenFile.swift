// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// An open file descriptor, closed at deinit. Every operation retries EINTR and reports failures with the path.
public final class OpenFile {
    public let descriptor: Int32
    public let path: String

    public init(path: String, flags: Int32, mode: UInt32 = 0o600) throws(SystemError) {
        self.path = path
        descriptor = try valueOrErrno("open", path: path) { open(path, flags, mode_t(mode)) }
    }

    deinit { close(descriptor) }

    public func status() throws(SystemError) -> FileStatus {
        var st = stat()
        _ = try valueOrErrno("fstat", path: path) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    public func readAll(limit: Int) throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try valueOrErrno("read", path: path) {
                chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit { throw SystemError(EFBIG, "read", path: path) }
        }
        return result
    }

    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = try valueOrErrno("write", path: path) {
                bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            }
            if n == 0 { throw SystemError(EIO, "write", path: path) }
            offset += n
        }
    }

    public func sync() throws(SystemError) {
        _ = try valueOrErrno("fsync", path: path) { fsync(descriptor) }
    }

    public func changeOwner(user: UInt32, group: UInt32) throws(SystemError) {
        _ = try valueOrErrno("fchown", path: path) { fchown(descriptor, user, group) }
    }

    public func changeMode(_ mode: UInt32) throws(SystemError) {
        _ = try valueOrErrno("fchmod", path: path) { fchmod(descriptor, mode_t(mode)) }
    }

    /// Takes a POSIX write lock on the whole file without blocking; false when another process holds it.
    /// (The same lock lckpwdf(3) takes on /etc/.pwd.lock, so we interoperate with passwd, chpasswd, useradd.)
    public func tryWriteLock() throws(SystemError) -> Bool {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        while true {
            if fcntl(descriptor, F_SETLK, &lock) == 0 { return true }
            if errno == EINTR { continue }
            if errno == EACCES || errno == EAGAIN { return false }
            throw SystemError.fromErrno("fcntl(F_SETLK)", path: path)
        }
    }
}

/// Flags for creating a new private file: fails if it exists or is a symlink.
public let O_CREAT_EXCL_NOFOLLOW_RW: Int32 = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
