// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The one table of policy keys: each key's name and how a value is checked and applied. The file parser and
/// the module-argument parser both go through it, so a key means the same thing wherever it is set.
enum PolicyKeys {
    typealias Apply = @Sendable (inout Policy, String) -> String?

    /// Every key: the general ones below and the directory's (`PolicyKeys+Directory.swift`).
    static let table: [String: Apply] = generalTable.merging(directoryTable) { general, _ in general }

    static let generalTable: [String: Apply] = [
        "enabled": { p, v in
            switch v {
            case "all": p.enabled = .all
            case "none": p.enabled = .none
            default:
                guard v.hasPrefix("group:"), let name = Optional(String(v.dropFirst(6))), isValidName(name) else {
                    return "expected all, none or group:NAME, got \"\(v)\""
                }
                p.enabled = .group(name)
            }
            return nil
        },
        "methods": { p, v in
            var list: [MethodKind] = []
            for item in splitList(v) {
                guard let m = MethodKind(rawValue: item) else { return "unknown method \"\(item)\"" }
                if !list.contains(m) { list.append(m) }
            }
            if list.isEmpty { return "at least one method is needed" }
            p.methods = list
            return nil
        },
        "methods_required": { p, v in integer(v, 1...2) { p.methodsRequired = $0 } },
        "admin_groups": { p, v in
            let groups = splitList(v)
            for g in groups where !isValidName(g) { return "\"\(g)\" is not a group name" }
            p.adminGroups = groups
            return nil
        },
        "questions_to_register": { p, v in integer(v, 3...5) { p.questionsToRegister = $0 } },
        "questions_to_reset": { p, v in integer(v, 1...5) { p.questionsToReset = $0 } },
        "require_registration": { p, v in boolean(v) { p.requireRegistration = $0 } },
        "reconfirm_days": { p, v in integer(v, 0...730) { p.reconfirmDays = $0 } },
        "services": { p, v in serviceList(v) { p.services = $0 } },
        "allow_remote": { p, v in boolean(v) { p.allowRemote = $0 } },
        "lock_screen": { p, v in boolean(v) { p.lockScreen = $0 } },
        "remote_services": { p, v in serviceList(v) { p.remoteServices = $0 } },
        "allow_root": { p, v in boolean(v) { p.allowRoot = $0 } },
        "on_success": { p, v in
            guard let value = Policy.OnSuccess(rawValue: v) else { return "expected login or relogin, got \"\(v)\"" }
            p.onSuccess = value
            return nil
        },
        "max_failures": { p, v in integer(v, 1...100) { p.maxFailures = $0 } },
        "failure_window": { p, v in duration(v, 60...(365 * 86400)) { p.failureWindow = $0 } },
        "lockout": { p, v in duration(v, 60...(365 * 86400)) { p.lockout = $0 } },
        "code_ttl": { p, v in duration(v, 30...3600) { p.codeTTL = $0 } },
        "max_codes": { p, v in integer(v, 1...100) { p.maxCodes = $0 } },
        "remember": { p, v in integer(v, 0...400) { p.remember = $0 } },
        "mail_command": { p, v in
            guard v.hasPrefix("/") else { return "mail_command must start with an absolute path" }
            p.mailCommand = v
            return nil
        },
        "sms_command": { p, v in
            guard v.hasPrefix("/") else { return "sms_command must start with an absolute path" }
            guard v.includes("{number}") else { return "sms_command must contain {number}" }
            p.smsCommand = v
            return nil
        },
        "notify_user": { p, v in boolean(v) { p.notifyUser = $0 } },
        "notify_admins": { p, v in boolean(v) { p.notifyAdmins = $0 } },
        "admin_mail": { p, v in
            guard ContactAddress.email(v) != nil || isValidName(v) else {
                return "admin_mail must be one address (user@example.com or a local name)"
            }
            p.adminMail = v
            return nil
        },
        "mail_from": { p, v in
            guard ContactAddress.email(v) != nil || isValidName(v) else { return "mail_from must be one address (user@example.com or a local name)" }
            p.mailFrom = v
            return nil
        },
        "host_label": { p, v in
            guard (1...80).contains(v.utf8.count) else { return "host_label must be 1 to 80 bytes" }
            p.hostLabel = v
            return nil
        },
        "helpdesk": { p, v in
            guard v.utf8.count <= 200 else { return "helpdesk text is longer than 200 bytes" }
            p.helpdesk = v.isEmpty ? nil : v
            return nil
        },
        "keyring": { p, v in
            guard let value = Policy.Keyring(rawValue: v) else { return "expected move or keep, got \"\(v)\"" }
            p.keyring = value
            return nil
        },
        "encrypted_home": { p, v in
            guard let value = Policy.EncryptedHome(rawValue: v) else { return "expected refuse or warn, got \"\(v)\"" }
            p.encryptedHome = value
            return nil
        },
        "store": { p, v in
            // A PostgreSQL URI is checked in full (libpq parses it) when the store is opened: a policy must load
            // on machines where the server is down, and `sspr admin check` names what is wrong with it.
            if Store.isPostgresURI(v) {
                p.store = v
                return nil
            }
            guard v.hasPrefix("/"), !v.split(separator: "/").contains(where: { part in part == ".." }) else {
                return "store must be an absolute path without \"..\" or a postgresql:// URI"
            }
            p.store = v
            return nil
        },
        "store_timeout": { p, v in duration(v, 1...60) { p.storeTimeout = $0 } },
        "audit_days": { p, v in integer(v, 0...3650) { p.auditDays = $0 } },
    ]

    static func splitList(_ value: String) -> [String] {
        value.split(separator: ",").map { trim(String($0)) }.filter { !$0.isEmpty }
    }

    /// A user or group or service name: letters, digits, '.', '_', '-', not starting with '-'.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, name.first != "-" else { return false }
        return name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == 0x2e || b == 0x5f || b == 0x2d || b == 0x40
        }
    }

    static func serviceList(_ v: String, _ set: ([String]) -> Void) -> String? {
        let services = splitList(v)
        for s in services where !isValidName(s) { return "\"\(s)\" is not a PAM service name" }
        set(services)
        return nil
    }

    static func integer(_ v: String, _ range: ClosedRange<Int>, _ set: (Int) -> Void) -> String? {
        guard let n = Int(v), range.contains(n) else {
            return "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(v)\""
        }
        set(n)
        return nil
    }

    static func boolean(_ v: String, _ set: (Bool) -> Void) -> String? {
        switch v.lowercased() {
        case "yes", "true", "1", "on": set(true)
        case "no", "false", "0", "off": set(false)
        default: return "expected yes or no, got \"\(v)\""
        }
        return nil
    }

    static func duration(_ v: String, _ range: ClosedRange<Int64>, _ set: (Int64) -> Void) -> String? {
        guard let seconds = Duration.parseSeconds(v), range.contains(seconds) else {
            return "expected a duration from \(Duration.format(range.lowerBound)) to \(Duration.format(range.upperBound)) (like 30s, 5m, 24h, 7d), got \"\(v)\""
        }
        set(seconds)
        return nil
    }
}

/// Trims spaces and tabs at both ends.
func trim(_ s: String) -> String {
    var view = Substring(s)
    while let f = view.first, f == " " || f == "\t" || f == "\r" { view.removeFirst() }
    while let l = view.last, l == " " || l == "\t" || l == "\r" { view.removeLast() }
    return String(view)
}
