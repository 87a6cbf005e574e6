// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The keys of the password store (`password_store`, `ldap_*`; docs/ldap-writeback.md), in the same form as
/// the general table: a malformed value is a problem on its own line.
extension PolicyKeys {
    static let directoryTable: [String: Apply] = [
        "password_store": { p, v in
            guard let value = Policy.PasswordStore(rawValue: v) else { return "expected shadow or ldap, got \"\(v)\"" }
            p.passwordStore = value
            return nil
        },
        "ldap_uri": { p, v in
            let scheme = v.prefix(while: { $0 != ":" }).lowercased()
            guard ["ldaps", "ldap", "ldapi"].contains(scheme), v.dropFirst(scheme.count).hasPrefix("://") else {
                return "expected one ldaps://, ldap:// or ldapi:// URI, got \"\(v)\""
            }
            // libldap reads spaces and commas as a list of servers; the policy names exactly one.
            guard !v.contains(" "), !v.contains(",") else { return "expected one URI, got \"\(v)\"" }
            p.ldap.uri = v
            return nil
        },
        "ldap_base": { p, v in distinguishedName(v) { p.ldap.base = $0 } },
        "ldap_bind_dn": { p, v in distinguishedName(v) { p.ldap.bindDN = $0 } },
        "ldap_user_filter": { p, v in
            guard v.hasPrefix("("), v.hasSuffix(")") else { return "the filter must be in parentheses, got \"\(v)\"" }
            // Exactly one %s and no other %: the user name goes in once, and only there.
            guard v.split(separator: "%", omittingEmptySubsequences: false).count == 2, v.includes("%s") else {
                return "the filter must contain exactly one %s (and no other %), got \"\(v)\""
            }
            p.ldap.userFilter = v
            return nil
        },
        "ldap_bind_password_file": { p, v in absolutePath(v) { p.ldap.bindPasswordFile = $0 } },
        "ldap_ca_file": { p, v in absolutePath(v) { p.ldap.caFile = $0 } },
        "ldap_timeout": { p, v in duration(v, 1...60) { p.ldap.timeout = $0 } },
        "ldap_match_uid_number": { p, v in boolean(v) { p.ldap.matchUIDNumber = $0 } },
    ]

    static func distinguishedName(_ v: String, _ set: (String) -> Void) -> String? {
        guard v.contains("="), v.utf8.count <= 1024 else { return "expected a DN like dc=example,dc=org, got \"\(v)\"" }
        set(v)
        return nil
    }

    static func absolutePath(_ v: String, _ set: (String) -> Void) -> String? {
        guard v.hasPrefix("/"), !v.split(separator: "/").contains(where: { part in part == ".." }) else {
            return "expected an absolute path without \"..\", got \"\(v)\""
        }
        set(v)
        return nil
    }
}

extension PolicyLoader {
    /// With `password_store = ldap`: the keys it cannot work without, and TLS that `ldap://` cannot have without
    /// a CA file. Each problem names the key.
    static func directoryProblems(_ p: Policy) -> [String] {
        guard p.passwordStore == .ldap else { return [] }
        var problems: [String] = []
        let required: [(String, String?)] = [("ldap_uri", p.ldap.uri), ("ldap_base", p.ldap.base),
                                             ("ldap_bind_dn", p.ldap.bindDN), ("ldap_bind_password_file", p.ldap.bindPasswordFile)]
        for (key, value) in required where value == nil {
            problems.append("password_store = ldap needs \(key)")
        }
        if let uri = p.ldap.uri, uri.lowercased().hasPrefix("ldap://"), p.ldap.caFile == nil {
            problems.append("ldap_uri \(uri) uses StartTLS and needs ldap_ca_file (the CA the server's certificate must chain to)")
        }
        return problems
    }
}
