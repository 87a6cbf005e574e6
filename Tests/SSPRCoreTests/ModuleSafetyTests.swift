// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing

/// The engine runs in the reset helper, a root process in the middle of someone's login: a trap there ends the
/// reset (the host survives it, pam_sspr.so is C), so the engine keeps the no-trap rule anyway, and stays free
/// of Foundation, concurrency and signal handlers. These checks read the sources the helper links.
@Suite struct ModuleSafetyTests {
    static let moduleTargets = ["SSPRSystem", "SSPRCore", "SSPRResetProtocol", "sspr-reset"]

    static func sources() throws -> [(String, String)] {
        var files: [(String, String)] = []
        for target in moduleTargets {
            let dir = Sandbox.repository.appendingPathComponent("Sources/\(target)")
            let enumerator = FileManager.default.enumerator(atPath: dir.path)
            while let item = enumerator?.nextObject() as? String {
                guard item.hasSuffix(".swift") else { continue }
                let path = dir.appendingPathComponent(item).path
                files.append((path, try String(contentsOfFile: path, encoding: .utf8)))
            }
        }
        return files
    }

    /// Code without comments and string literals, so words in prose do not count.
    static func code(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var out = ""
            var inString = false
            var previous: Character = " "
            for ch in line {
                if !inString && ch == "/" && previous == "/" { out.removeLast(); break }
                if ch == "\"" && previous != "\\" { inString.toggle(); out.append(" "); previous = ch; continue }
                if !inString { out.append(ch) }
                previous = ch
            }
            return out
        }.joined(separator: "\n")
    }

    @Test func noTrapsNoFoundationNoConcurrencyInModuleCode() throws {
        let forbidden: [(String, String)] = [
            (#"try!"#, "try!"),
            (#"\bfatalError\("#, "fatalError"),
            (#"\bprecondition(Failure)?\("#, "precondition"),
            (#"\bassert(ionFailure)?\("#, "assert"),
            (#"\bas!"#, "as!"),
            (#"unsafelyUnwrapped"#, "unsafelyUnwrapped"),
            (#"[\w\)\]\}]![^=]"#, "force unwrap"),
            (#"^\s*import (Foundation|FoundationEssentials|Dispatch|_Concurrency)\b"#, "import of a runtime the module must not link"),
            (#"\bTask\s*\{|\basync\b|\bawait\b|DispatchQueue"#, "concurrency"),
            (#"\bsignal\(|sigaction"#, "signal handler"),
        ]
        let files = try Self.sources()
        #expect(files.count > 40)
        for (path, text) in files {
            let code = Self.code(text)
            for (pattern, name) in forbidden {
                let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
                let range = NSRange(code.startIndex..., in: code)
                for match in regex.matches(in: code, range: range) {
                    let line = code[..<(Range(match.range, in: code)?.lowerBound ?? code.startIndex)].filter { $0 == "\n" }.count + 1
                    Issue.record("\(name) in \(path):\(line)")
                }
            }
        }
    }
}
