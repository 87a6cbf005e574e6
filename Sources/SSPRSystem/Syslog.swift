// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Lines to syslog's `authpriv` facility (where pam_unix and sshd log). Callers pass text without secrets.
public enum Syslog {
    public enum Level: Sendable { case error, warning, notice, info, debug }

    /// Set once by a program of our own (sspr-reset, ssprd, sspr) with `claimIdentity`: its lines are then tagged
    /// with that identity (`journalctl -t pam_sspr`) instead of carrying it as a text prefix.
    nonisolated(unsafe) private static var identityClaimed = false

    /// openlog for a process that is ours. Never inside a host process (login, sshd): it would replace the host's
    /// own identity for its later lines.
    public static func claimIdentity(_ ident: String) {
        sspr_openlog(ident)
        identityClaimed = true
    }

    public static func write(_ level: Level, _ message: String, ident: String = "sspr") {
        let priority: Int32
        switch level {
        case .error: priority = LOG_ERR
        case .warning: priority = LOG_WARNING
        case .notice: priority = LOG_NOTICE
        case .info: priority = LOG_INFO
        case .debug: priority = LOG_DEBUG
        }
        // One line, whatever a caller's string inside it held (LogText): no forged lines, no terminal escapes.
        let line = LogText.escape(message, limit: LogText.lineLimit)
        if identityClaimed {
            sspr_syslog_line(LOG_AUTHPRIV | priority, line)
        } else {
            sspr_syslog(LOG_AUTHPRIV | priority, ident, line)
        }
    }
}
