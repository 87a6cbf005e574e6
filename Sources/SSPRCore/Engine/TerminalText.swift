/// Text from the store (user names typed at a login prompt, PAM items from the caller) made safe to print.
///
/// A name is whatever someone typed at "login:"; printed raw, a CSI (U+009B) or ESC starts a terminal
/// escape sequence, NEL (U+0085) breaks the line, and a bidi override (U+202E) makes the rest of the line read
/// backwards. Guarantees: the output of `escaped` and `jsonEscaped` holds none of the characters
/// `needsEscaping` names, and both are reversible (nothing is dropped or merged, so two names never look alike).
public enum TerminalText {
    /// Controls (C0, DEL, C1 including NEL U+0085 and CSI U+009B), format characters (Cf: the bidi embeddings,
    /// overrides and isolates U+202A-U+202E and U+2066-U+2069, marks, zero-width characters, the BOM, tags),
    /// line and paragraph separators, and unassigned code points (tomorrow's format characters).
    public static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: return true
        default: return false
        }
    }

    /// For plain-text output: each such character as `\u{XXXX}` and a backslash as `\\`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscaping($0) || $0 == "\\" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out.append(contentsOf: "\\\\".unicodeScalars)
            } else if needsEscaping(scalar) {
                out.append(contentsOf: "\\u{\(hex(scalar.value, width: 4))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// For a JSON document: each such character inside a string as a JSON `\uXXXX` escape (a surrogate pair
    /// beyond U+FFFF). The document's meaning is unchanged: a parser reads back the same strings. Outside strings
    /// a JSON document holds only ASCII structure and whitespace, which are left alone.
    public static func jsonEscaped(_ json: String) -> String {
        var out = String.UnicodeScalarView()
        var inString = false, afterBackslash = false
        for scalar in json.unicodeScalars {
            if inString && !afterBackslash && needsEscaping(scalar) {
                UTF16.encode(scalar) { unit in out.append(contentsOf: "\\u\(hex(UInt32(unit), width: 4))".unicodeScalars) }
                continue
            }
            out.append(scalar)
            if afterBackslash {
                afterBackslash = false
            } else if inString && scalar == "\\" {
                afterBackslash = true
            } else if scalar == "\"" {
                inString.toggle()
            }
        }
        return String(out)
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
