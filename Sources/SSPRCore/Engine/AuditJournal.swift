// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Audit records as journal entries (issue 14): a fixed MESSAGE_ID per event kind, documented in the message
/// catalog (systemd/sspr.catalog, installed to /usr/lib/systemd/catalog), and the record's fields as
/// SSPR_USER, SSPR_EVENT, SSPR_METHOD, SSPR_RESULT, SSPR_SERVICE, SSPR_TTY, SSPR_RHOST, SSPR_ACTOR. Where journald
/// runs, this replaces the syslog line (journald would otherwise hold both); elsewhere syslog stays.
public enum AuditJournal {
    /// Never change an ID: admins' filters and the catalog name them.
    public static func messageID(_ event: AuditEvent) -> String {
        switch event {
        case .offer: return "4aab655c3173428db896cb640a680687"
        case .proof: return "830350e1d72742f29ad010d574db2a5a"
        case .authenticate: return "a679e92adaeb4791aa7b17e177841e1f"
        case .lockout: return "198ffc35a2a4438385793d2c9c5e9838"
        case .reset: return "4d28a614adfa4be8816236d73ea7dc3f"
        case .register: return "082968fbf9164c4ca4d6518af262046b"
        case .remove: return "233710bb4bb14490a90b2eac1b3e71f4"
        case .confirm: return "b29b86e0292d404e90198d9f5d69ade9"
        case .passIssued: return "f891aadef5e14fda865883509baa527b"
        case .unlock: return "55f594ce98484512a8412a6ca59eb771"
        case .enroll: return "ece5379da22341209629b562298ffb2e"
        case .verify: return "43a21344051147c78bd7bcd807c8a6a9"
        case .codeSent: return "1f6de369e421465fb514fccf55e50338"
        case .resetFailed: return "751f1c5ac2f147cf910fb30b2e430470"
        case .resetAbandoned: return "8f4eba8c67a144c9a1263ec299241e63"
        case .accountMismatch: return "b057a229f27e4eb89e2123a6825b1392"
        case .bind: return "c2935de04dfe4c529abce33350bb2af2"
        }
    }

    /// syslog(3) priorities by number, as the journal's PRIORITY field wants them.
    static func priority(_ level: Syslog.Level) -> String {
        switch level {
        case .error: return "3"
        case .warning: return "4"
        case .notice: return "5"
        case .info: return "6"
        case .debug: return "7"
        }
    }

    /// The entry for one record (already sanitised fields, never a secret).
    public static func fields(event: AuditEvent, level: Syslog.Level, message: String, user: String, method: String,
                              result: String, service: String, tty: String, rhost: String,
                              actor: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", message), ("MESSAGE_ID", messageID(event)), ("PRIORITY", priority(level)),
            ("SYSLOG_FACILITY", "10"), ("SYSLOG_IDENTIFIER", "sspr"),
            ("SSPR_EVENT", event.rawValue), ("SSPR_USER", user),
        ]
        for (name, value) in [("SSPR_METHOD", method), ("SSPR_RESULT", result), ("SSPR_SERVICE", service),
                              ("SSPR_TTY", tty), ("SSPR_RHOST", rhost), ("SSPR_ACTOR", actor)] where !value.isEmpty {
            fields.append((name, value))
        }
        return fields
    }
}
