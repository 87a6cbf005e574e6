// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// E-mail addresses and phone numbers users register: validated strictly (they end up in a mail header or in
/// a sender's argv), and masked wherever they are shown at login.
public enum ContactAddress {
    /// A plain address `local@domain`: ASCII letters, digits and `.!#$%&'*+/=?^_`{|}~-` in the local part,
    /// dot-separated labels of letters, digits and '-' in the domain, at most 254 bytes. Nothing that could end
    /// a header or add a recipient (no spaces, CR, LF, commas, quotes, angle brackets). Returns it with the
    /// domain in lower case.
    public static func email(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard (3...254).contains(bytes.count), let at = bytes.lastIndex(of: 0x40), at > 0, at < bytes.count - 1,
              bytes.filter({ $0 == 0x40 }).count == 1 else { return nil }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        guard local.count <= 64, local.first != 0x2e, local.last != 0x2e else { return nil }
        let localAllowed = Array("!#$%&'*+/=?^_`{|}~-.".utf8)
        for b in local where !(isAlnum(b) || localAllowed.contains(b)) { return nil }
        let labels = domain.split(separator: 0x2e, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.count), label.first != 0x2d, label.last != 0x2d,
                  label.allSatisfy({ isAlnum($0) || $0 == 0x2d }) else { return nil }
        }
        let lowerDomain = domain.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }
        return String(decoding: Array(local) + [0x40] + lowerDomain, as: UTF8.self)
    }

    /// A phone number: an optional '+' and 6 to 15 digits (E.164); spaces, dashes, dots and parentheses typed
    /// between digits are dropped. Returns the compact form, e.g. "+4915112345678".
    public static func phone(_ text: String) -> String? {
        var out: [UInt8] = []
        for (i, b) in text.utf8.enumerated() {
            if b == 0x2b && i == 0 { out.append(b); continue }
            if b >= 0x30 && b <= 0x39 { out.append(b); continue }
            if b == 0x20 || b == 0x2d || b == 0x2e || b == 0x28 || b == 0x29 { continue }
            return nil
        }
        let digits = out.filter { $0 != 0x2b }.count
        guard (6...15).contains(digits) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// "a***@example.com" for e-mail, "*******89" for a number.
    public static func mask(_ destination: String, kind: MethodKind) -> String {
        let bytes = Array(destination.utf8)
        if kind == .email, let at = bytes.lastIndex(of: 0x40), at > 0 {
            return String(decoding: [bytes[0]] + Array("***".utf8) + Array(bytes[at...]), as: UTF8.self)
        }
        let keep = min(2, bytes.count)
        return String(repeating: "*", count: bytes.count - keep) + String(decoding: bytes.suffix(keep), as: UTF8.self)
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
    }
}
