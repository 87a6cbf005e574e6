// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// systemd-journald's native protocol (systemd.journal-fields(7), "Native Journal Protocol"): one datagram of
/// `FIELD=value` lines to /run/systemd/journal/socket, so admins can filter with `journalctl MESSAGE_ID=…` or
/// `SSPR_USER=…`. Values holding a newline use the protocol's length-prefixed form. A datagram too large for
/// the socket is not sent (the caller falls back to syslog); nothing here ever blocks.
public struct JournalWriter: Sendable {
    public let socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    /// True when a journal listens at `socketPath` (a socket file exists there).
    public var isAvailable: Bool {
        (try? FileSystem.status(socketPath))??.kind == .socket
    }

    /// The datagram for `fields`, in order. Field names must be uppercase letters, digits and '_'.
    public static func datagram(_ fields: [(name: String, value: String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            let bytes = Array(value.utf8)
            out.append(contentsOf: Array(name.utf8))
            if bytes.contains(UInt8(ascii: "\n")) {
                out.append(UInt8(ascii: "\n"))
                var length = UInt64(bytes.count).littleEndian
                withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
            } else {
                out.append(UInt8(ascii: "="))
            }
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Sends one entry; false when no journal took it.
    @discardableResult
    public func send(_ fields: [(name: String, value: String)]) -> Bool {
        let bytes = JournalWriter.datagram(fields)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let sent = UnixSocketAddress.with(path: socketPath) { address, length in
            bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), address, length) }
        }
        return sent == bytes.count
    }
}
