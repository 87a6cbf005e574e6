// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Strings a caller chose (the PAM service, tty, remote host and user of a screen locker's request, a user name
/// typed at a prompt) made safe for one log line: control characters (newlines, escape sequences, C1 controls),
/// backslashes and invalid UTF-8 become `\xNN`, so nobody can forge a second line or repaint a terminal that
/// reads the log, and the result is bounded, so nobody can flood the log with one field (docs/security.md).
public enum LogText {
    public static let fieldLimit = 128
    public static let lineLimit = 4096

    public static func escape(_ text: String, limit: Int = LogText.fieldLimit) -> String {
        escape(bytes: Array(text.utf8), limit: limit)
    }

    public static func escape(bytes: [UInt8], limit: Int = LogText.fieldLimit) -> String {
        var out = ""
        var shown = 0
        var i = 0
        while i < bytes.count {
            let (piece, used) = next(bytes, at: i)
            if shown + piece.utf8.count > limit { return out + "…" }
            out += piece
            shown += piece.utf8.count
            i += used
        }
        return out
    }

    /// The text for the byte or character at `i`, and how many bytes it took: printable ASCII as it is, a valid
    /// character that is neither a C1 control nor a format character (bidirectional overrides) as it is, any
    /// other byte as `\xNN`.
    private static func next(_ bytes: [UInt8], at i: Int) -> (String, Int) {
        let b = bytes[i]
        if b >= 0x20 && b < 0x7f && b != 0x5c { return (String(UnicodeScalar(b)), 1) }
        let length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
        if length > 1, i + length <= bytes.count,
           let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self)?.unicodeScalars.first,
           !(0x80...0x9f).contains(scalar.value), scalar.properties.generalCategory != .format {
            return (String(scalar), length)
        }
        return (hex(b), 1)
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xf)])
    }
}
