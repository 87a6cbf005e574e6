// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// The file ssprd writes to have systemd start the deliverer (sspr-outbox.path: PathModified= starts
/// sspr-outbox.service, root, with the access an MTA needs). Writing it is all ssprd's unit allows it.
struct OutboxTrigger: Sendable {
    let path: String

    /// Rewrites the file (one byte), which closes it after a write: inotify's IN_CLOSE_WRITE, what
    /// PathModified= watches. Never follows a link (the store directory is root's, but be strict anyway).
    func pull() {
        do {
            let file = try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            try file.writeAll([0x0a])
        } catch {
            Syslog.write(.warning, "outbox trigger \(path) not written: \(error); the timer delivers within 5 minutes")
        }
    }
}
