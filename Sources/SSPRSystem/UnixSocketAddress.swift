// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// A `sockaddr_un` for a path ("@name" is Linux's abstract namespace), for the few places sspr talks to a
/// unix socket itself: the CLI's connection to ssprd and the daemon's READY=1 to systemd.
public enum UnixSocketAddress {
    /// Calls `body` with the address and its length; nil when the path does not fit in `sun_path`.
    public static func with<R>(path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// A connected stream socket to `path`.
    public static func connectStream(path: String) throws(SystemError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError.fromErrno("socket", path: path) }
        guard let rc = with(path: path, { connect(fd, $0, $1) }) else {
            close(fd)
            throw SystemError(ENAMETOOLONG, "connect", path: path)
        }
        if rc != 0 {
            let error = SystemError.fromErrno("connect", path: path)
            close(fd)
            throw error
        }
        return fd
    }
}
