// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CQRencode
import Glibc

/// A QR code for a terminal: Unicode half blocks, two modules per character row, so a TOTP URI's code fits an
/// 80x24 screen with room for the prompt. Colours are explicit (ANSI black on white, quiet zone included):
/// drawn in the terminal's own colours it scanned only on dark terminals. libqrencode (Debian's) encodes.
public enum TerminalQRCode {
    /// Light modules around the code: the standard's 4 at the sides, where an 80-column screen has room, and 2
    /// above and below, where every module row costs half a line of 24 (a decoder test checks it scans).
    public static let quietColumns = 4
    public static let quietRows = 2
    static let blackOnWhite = "\u{1B}[30;47m"
    static let reset = "\u{1B}[0m"

    /// The lines of the drawing (each starts black-on-white and resets at its end); nil when the text cannot be
    /// encoded. Error correction L: the smallest code, fine for a screen that is not printed or scratched.
    public static func lines(for text: String) -> [String]? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard width > 0, let data = code.pointee.data else { return nil }
        func dark(_ x: Int, _ y: Int) -> Bool {
            let mx = x - quietColumns, my = y - quietRows
            guard mx >= 0, my >= 0, mx < width, my < width else { return false }
            return data[my * width + mx] & 1 == 1
        }
        var lines: [String] = []
        var y = 0
        while y < width + 2 * quietRows {
            var line = blackOnWhite
            for x in 0..<(width + 2 * quietColumns) {
                // The foreground (black) draws dark modules; the upper half block is the upper module.
                switch (dark(x, y), dark(x, y + 1)) {
                case (false, false): line += " "
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (true, true): line += "█"
                }
            }
            lines.append(line + reset)
            y += 2
        }
        return lines
    }
}
