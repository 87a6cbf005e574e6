import Glibc
import SSPRShim

/// Lines to syslog's `authpriv` facility (where pam_unix and sshd log). Callers pass text without secrets.
public enum Syslog {
    public enum Level: Sendable { case error, warning, notice, info, debug }

    public static func write(_ level: Level, _ message: String, ident: String = "sspr") {
        let priority: Int32
        switch level {
        case .error: priority = LOG_ERR
        case .warning: priority = LOG_WARNING
        case .notice: priority = LOG_NOTICE
        case .info: priority = LOG_INFO
        case .debug: priority = LOG_DEBUG
        }
        sspr_syslog(LOG_AUTHPRIV | priority, ident, message)
    }
}
