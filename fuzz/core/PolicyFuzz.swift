// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libFuzzer target for the policy parser (/etc/security/sspr.conf, module arguments) and the question
// catalogue: any input must parse without a trap, every problem must name a line that exists, and the result
// must not depend on anything but the text.   make fuzz-all
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let result = PolicyLoader.parse(text, source: "fuzz")
    for problem in result.problems {
        if let line = problem.line, line < 1 || line > lines { fatalError("problem on line \(line) of \(lines)") }
    }
    let again = PolicyLoader.parse(text, source: "fuzz")
    if again.problems.count != result.problems.count { fatalError("policy parse is not deterministic") }
    // The same text as module arguments (key=value words), as the module receives them.
    var overrides: [(key: String, value: String)] = []
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        if let eq = word.firstIndex(of: "=") {
            overrides.append((String(word[..<eq]), String(word[word.index(after: eq)...])))
        }
    }
    _ = PolicyLoader.parse("", source: "fuzz", overrides: overrides)
    _ = QuestionCatalogue.parse(text, source: "fuzz")
    _ = Duration.parseSeconds(text)
    return 0
}
