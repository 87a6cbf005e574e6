// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem
import Testing

/// Caller-supplied strings in log lines (docs/security.md): one line, no control bytes, bounded.
struct LogTextTests {
    @Test func controlCharactersBackslashesAndInvalidUTF8BecomeHex() {
        #expect(LogText.escape("kde\nFAKE: root\u{1b}[2J") == "kde\\x0aFAKE: root\\x1b[2J")
        #expect(LogText.escape("a\\b") == "a\\x5cb")
        #expect(LogText.escape(bytes: [0x61, 0xff, 0xc3]) == "a\\xff\\xc3")
        #expect(LogText.escape("\u{85}x\u{202e}") == "\\xc2\\x85x\\xe2\\x80\\xae", "C1 controls and bidi overrides")
    }

    @Test func printableUnicodeStays() {
        #expect(LogText.escape("Jürgen ﬁ 日本") == "Jürgen ﬁ 日本")
    }

    @Test func boundedWithAnEllipsis() {
        let long = String(repeating: "x", count: 1000)
        let out = LogText.escape(long, limit: 64)
        #expect(out == String(repeating: "x", count: 64) + "…")
        #expect(LogText.escape(String(repeating: "\n", count: 100), limit: 10) == "\\x0a\\x0a…")
    }
}
