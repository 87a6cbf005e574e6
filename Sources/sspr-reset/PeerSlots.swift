// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRCore
import SSPRSystem

/// At most `HelperLauncher.defaultPerUser` resets at once for one uid on the reset socket, whoever started this
/// helper. `ssprd --reset-socket` counts its own children, but under systemd each connection gets its own
/// sspr-reset@.service and `MaxConnectionsPerSource=` does not apply to AF_UNIX peers on systemd 252, so the
/// helpers count themselves: each holds an exclusive lock on one of the uid's slot files in a root-only
/// directory until it exits (the kernel drops the lock with the process, however it ends).
enum PeerSlots {
    static let directory = "/run/sspr/peer-slots"

    enum Outcome { case held, full, unchecked(String) }

    /// Takes a free slot of `uid` for the life of this process.
    static func take(uid: UInt32, paths: SystemPaths) -> Outcome {
        let dir = paths.path(directory)
        do { try FileSystem.makeDirectories(dir, mode: 0o700) } catch { return .unchecked("\(error)") }
        guard let status = try? FileSystem.status(dir), status.kind == .directory, status.owner == 0,
              status.mode & 0o077 == 0 else {
            return .unchecked("\(dir) is not a root-only directory")
        }
        for slot in 0..<HelperLauncher.defaultPerUser {
            let fd = open("\(dir)/\(uid).\(slot)", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0o600)
            guard fd >= 0 else { return .unchecked("slot file: \(String(cString: strerror(errno)))") }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .held }  // kept open (and locked) until exit
            close(fd)
        }
        return .full
    }
}
