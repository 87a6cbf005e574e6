// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Builds the user search filter. The user name comes from whoever typed it at a login prompt, so it is
/// escaped per RFC 4515 (section 3: `*`, `(`, `)`, `\` and NUL as `\XX`) before it replaces the `%s`: a name like
/// `*` or `alice)(uid=*` matches nothing but an entry of exactly that name, never another entry.
public enum LDAPFilter {
    public static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "*": out += "\\2a"
            case "(": out += "\\28"
            case ")": out += "\\29"
            case "\\": out += "\\5c"
            case "\0": out += "\\00"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `template` (checked by the policy loader to hold exactly one `%s`) with the escaped `user` in its place.
    public static func userFilter(_ template: String, user: String) -> String {
        let parts = template.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].hasPrefix("s") else { return template }
        return parts[0] + escape(user) + parts[1].dropFirst()
    }
}
