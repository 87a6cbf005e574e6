// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// A connected unix stream socket with deadlines on every read and write: the reset helper's end of the
/// protocol socket. Writes use MSG_NOSIGNAL, so a peer that went away (the caller killed su) is an error to
/// handle, never a SIGPIPE that would end the helper before it records the reset and sends its notices.
public struct StreamSocket: Sendable {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public enum Failure: Error, Equatable, Sendable {
        /// The peer closed its end before the bytes were complete.
        case closed
        case timedOut
        case system(SystemError)
    }

    /// Reads exactly `count` bytes before the monotonic `deadline` (milliseconds).
    public func read(count: Int, deadline: Int64) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            try wait(for: Int16(POLLIN), deadline: deadline)
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress.map { $0 + done }, count - done, Int32(MSG_DONTWAIT))
            }
            if n > 0 { done += n; continue }
            if n == 0 { throw .closed }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { throw .closed }
            throw .system(SystemError.fromErrno("recv"))
        }
        return buffer
    }

    /// Writes all of `bytes` before `deadline`.
    public func write(_ bytes: [UInt8], deadline: Int64) throws(Failure) {
        var done = 0
        while done < bytes.count {
            try wait(for: Int16(POLLOUT), deadline: deadline)
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + done }, bytes.count - done, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if n > 0 { done += n; continue }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n < 0 && (errno == EPIPE || errno == ECONNRESET) { throw .closed }
            throw .system(SystemError.fromErrno("send"))
        }
    }

    private func wait(for events: Int16, deadline: Int64) throws(Failure) {
        while true {
            let left = deadline - SystemClock.monotonicMilliseconds()
            guard left > 0 else { throw .timedOut }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(min(left, 60_000)))
            if rc > 0 { return }
            if rc < 0 && errno != EINTR { throw .system(SystemError.fromErrno("poll")) }
        }
    }

    /// The uid of the process at the other end, as the kernel recorded it at connect (SO_PEERCRED).
    public func peerUID() throws(SystemError) -> UInt32 {
        var credentials = PeerCredentials.Raw(pid: 0, uid: UInt32.max, gid: UInt32.max)
        var length = socklen_t(MemoryLayout<PeerCredentials.Raw>.size)
        let rc = getsockopt(fd, PeerCredentials.socketLevel, PeerCredentials.option, &credentials, &length)
        guard rc == 0, length == socklen_t(MemoryLayout<PeerCredentials.Raw>.size) else {
            throw SystemError.fromErrno("getsockopt SO_PEERCRED")
        }
        return credentials.uid
    }

    /// True when `fd` is a unix stream socket (what the helper must have been given as descriptor 3).
    public static func isUnixStream(_ fd: Int32) -> Bool {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { return false }
        var domain: Int32 = 0
        length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 else { return false }
        return type == Int32(SOCK_STREAM.rawValue) && domain == AF_UNIX
    }
}
