// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors

/// The two differences between the store's statements as written (SQLite) and what PostgreSQL accepts, so
/// both engines run the same statements: `?` placeholders become `$1`, `$2`, … (`?2` becomes `$2`), and the column `user`, a
/// reserved word in PostgreSQL (it means current_user), is quoted. String literals and quoted identifiers are
/// copied untouched. Everything else the statements use (ON CONFLICT … DO UPDATE, RETURNING, partial indexes,
/// `rowid` as a real column in the PostgreSQL schema) both engines understand alike.
enum PostgresDialect {
    static func translate(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var parameter = 0
        var chars = Array(sql.unicodeScalars)[...]
        while let c = chars.first {
            if c == "'" || c == "\"" {
                // Copy a literal or quoted identifier whole (a doubled quote inside stays inside).
                var end = chars.index(after: chars.startIndex)
                while end < chars.endIndex {
                    if chars[end] == c {
                        let next = chars.index(after: end)
                        if next < chars.endIndex && chars[next] == c { end = chars.index(after: next); continue }
                        end = next
                        break
                    }
                    end = chars.index(after: end)
                }
                out.unicodeScalars.append(contentsOf: chars[chars.startIndex..<end])
                chars = chars[end...]
            } else if c == "?" {
                chars = chars.dropFirst()
                // `?NNN` (SQLite's numbered parameter, the same value used twice) keeps its number.
                var digits = ""
                while let d = chars.first, ("0"..."9").contains(d) { digits.unicodeScalars.append(d); chars = chars.dropFirst() }
                if digits.isEmpty {
                    parameter += 1
                    out += "$\(parameter)"
                } else {
                    out += "$" + digits
                }
            } else if isWordStart(c) {
                var end = chars.startIndex
                while end < chars.endIndex && isWord(chars[end]) { end = chars.index(after: end) }
                let word = String(String.UnicodeScalarView(chars[chars.startIndex..<end]))
                // `excluded.user` / `t.user` are column references too; only a function call `user(` is not used.
                out += word.lowercased() == "user" ? "\"user\"" : word
                chars = chars[end...]
            } else {
                out.unicodeScalars.append(c)
                chars = chars.dropFirst()
            }
        }
        return out
    }

    private static func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    private static func isWord(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) }
}
