// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET` ("READY=1", "STOPPING=1").
public enum ServiceManagerNotification {
    @discardableResult
    public static func notify(_ state: String, socketPath: String? = nil) -> Bool {
        guard let path = socketPath ?? getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !path.isEmpty else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let message = Array(state.utf8)
        let sent = UnixSocketAddress.with(path: path) { address, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
        }
        return sent == message.count
    }

    /// The listening socket systemd passed (`LISTEN_FDS`/`LISTEN_PID`), if any: always descriptor 3.
    public static func activatedSocket() -> Int32? {
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }), let pid = Int32(pidText), pid == getpid(),
              let countText = getenv("LISTEN_FDS").map({ String(cString: $0) }), let count = Int(countText), count >= 1 else {
            return nil
        }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return 3
    }

    /// Sets the process umask, returning the previous one.
    @discardableResult
    public static func setUmask(_ mask: UInt32) -> UInt32 { UInt32(umask(mode_t(mask))) }
}
