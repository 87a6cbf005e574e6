// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore
import SSPRSystem

/// A user name is whatever someone typed at "login:". `sspr admin audit` must not let one drive the admin's
/// terminal: C1 controls (CSI U+009B, NEL U+0085), ESC, bidi overrides and isolates come out escaped, in text
/// and in JSON, and JSON still carries the exact name.
@Suite("Audit output escapes hostile names")
struct AuditOutputTests {
    static let hostile = ["csi\u{9B}31mred", "nel\u{85}next", "gnp.\u{202E}exe", "iso\u{2066}late\u{2069}", "zw\u{200B}sp"]

    /// Every character a terminal or a bidi renderer acts on, except the line breaks of the output itself.
    func raw(_ output: String) -> [Unicode.Scalar] {
        output.unicodeScalars.filter { TerminalText.needsEscaping($0) && $0 != "\n" }
    }

    func sandboxWithHostileRows() throws -> Sandbox {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        for name in Self.hostile {
            try engine.audit.record(.offer, user: name, result: "declined", context: AuditContext(service: "login"), at: engine.now)
        }
        // A row with ESC and CSI in every text field, as an older sspr or another tool could have stored it
        // (the engine itself turns C0 controls into '?' when it records).
        let db = try sandbox.database()
        _ = try db.run("""
            INSERT INTO audit (at, user, event, method, result, service, tty, rhost, actor, detail)
            VALUES (?, ?, 'offer', '', 'declined', ?, ?, ?, ?, ?)
            """, [.integer(engine.now), .text("esc\u{1B}[2Jwipe"), .text("svc\u{1B}]0;title\u{07}"), .text("tty\u{9B}1"),
                  .text("host\u{202E}"), .text("actor\u{85}"), .text("detail \u{1B}[8m hidden \\ slash")])
        return sandbox
    }

    @Test func textOutput() throws {
        let sandbox = try sandboxWithHostileRows()
        let result = try runSSPR(["admin", "audit", "--root", sandbox.root])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(raw(result.stdout).isEmpty, "raw: \(raw(result.stdout).map { String($0.value, radix: 16) })")
        #expect(result.stdout.split(separator: "\n").count == Self.hostile.count + 1, "one line per record: NEL broke none")
        #expect(result.stdout.contains("user=csi\\u{009B}31mred"))
        #expect(result.stdout.contains("user=nel\\u{0085}next"))
        #expect(result.stdout.contains("user=gnp.\\u{202E}exe"))
        #expect(result.stdout.contains("user=iso\\u{2066}late\\u{2069}"))
        #expect(result.stdout.contains("user=esc\\u{001B}[2Jwipe"))
        #expect(result.stdout.contains("(detail \\u{001B}[8m hidden \\\\ slash)"), "a backslash is escaped too, so no escape can be forged")
    }

    @Test func jsonOutput() throws {
        let sandbox = try sandboxWithHostileRows()
        let result = try runSSPR(["admin", "audit", "--json", "--root", sandbox.root])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(raw(result.stdout).isEmpty, "raw: \(raw(result.stdout).map { String($0.value, radix: 16) })")
        #expect(result.stdout.contains("csi\\u009B31mred") && result.stdout.contains("gnp.\\u202Eexe"))
        // Still JSON, and it still says exactly what was stored.
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let users = rows.compactMap { $0["user"] as? String }
        #expect(users == Self.hostile + ["esc\u{1B}[2Jwipe"])
        #expect(rows.last?["tty"] as? String == "tty\u{9B}1")
        #expect(rows.last?["detail"] as? String == "detail \u{1B}[8m hidden \\ slash")
    }

    /// `sspr admin report`, text and CSV, prints stored names the same way (a name whose account is gone or
    /// changed is printed twice in text: in its row and in the "registrations belong to another account" line).
    @Test func reportOutput() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try engine.enrollTOTP(user: "alice", secret: SecretBytes(copying: "12345678901234567890"), context: .commandLine)
        let db = try sandbox.database()
        for name in Self.hostile + ["esc\u{1B}[2Jwipe"] {
            _ = try db.run("INSERT INTO methods (user, kind, created, confirmed) VALUES (?, 'totp', 1, 1)", [.text(name)])
            _ = try db.run("INSERT INTO accounts (user, uid, bound_at) VALUES (?, 4242, 1)", [.text(name)])
        }
        for format in [[], ["--csv"]] {
            let result = try runSSPR(["admin", "report", "--root", sandbox.root] + format)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(raw(result.stdout).isEmpty, "\(format): raw \(raw(result.stdout).map { String($0.value, radix: 16) })")
            #expect(result.stdout.contains("csi\\u{009B}31mred") && result.stdout.contains("esc\\u{001B}[2Jwipe"))
        }
    }

    @Test func escapingRules() {
        // What is escaped: every control and format character, wherever it is in Unicode.
        for scalar: Unicode.Scalar in ["\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}", "\u{AD}", "\u{61C}", "\u{200E}",
                                       "\u{202A}", "\u{202E}", "\u{2028}", "\u{2066}", "\u{2069}", "\u{FEFF}", "\u{E0001}"] {
            #expect(TerminalText.needsEscaping(scalar), "U+\(String(scalar.value, radix: 16))")
        }
        // What is not: letters of any script, emoji, ordinary punctuation.
        for text in ["alice", "Zoë", "山田", "Ωmega", "a-b_c.d@e", "🙂"] {
            #expect(TerminalText.escaped(text) == text)
            #expect(TerminalText.jsonEscaped("\"\(text)\"") == "\"\(text)\"")
        }
        #expect(TerminalText.escaped("a\u{E0001}b") == "a\\u{E0001}b")
        // JSON: beyond the BMP as a surrogate pair; whitespace between tokens untouched; escapes kept intact.
        #expect(TerminalText.jsonEscaped("{\n  \"k\": \"a\u{E0001}\\\"\u{85}\"\n}") == "{\n  \"k\": \"a\\uDB40\\uDC01\\\"\\u0085\"\n}")
    }
}
