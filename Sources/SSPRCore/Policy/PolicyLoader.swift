// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Reads the policy file and module-argument overrides into a `Policy`, collecting every problem with its line.
/// Callers decide what a problem means: the module stays out of the way, `sspr admin check` reports them.
public enum PolicyLoader {
    public struct Result: Sendable {
        public var policy: Policy
        public var problems: [PolicyProblem]
    }

    /// The policy from `text` (the contents of `source`), then `overrides` (module arguments) on top.
    public static func parse(_ text: String, source: String, overrides: [(key: String, value: String)] = []) -> Result {
        var policy = Policy()
        var problems: [PolicyProblem] = []
        var seen: [String: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = trim(String(rawLine))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: "expected key = value"))
                continue
            }
            let key = trim(String(line[..<eq]))
            let value = trim(String(line[line.index(after: eq)...]))
            if let first = seen[key] {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: "\(key) is already set on line \(first)"))
                continue
            }
            seen[key] = lineNumber
            if let message = apply(key: key, value: value, to: &policy) {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: message))
            }
        }
        for (key, value) in overrides {
            if let message = apply(key: key, value: value, to: &policy) {
                problems.append(PolicyProblem(source: "module argument \(key)", line: nil, message: message))
            }
        }
        problems.append(contentsOf: crossChecks(policy, source: source))
        return Result(policy: policy, problems: problems)
    }

    /// Loads `path`; a missing file means the defaults (the package installs a commented one), a file we cannot
    /// read or that is writable by others is a problem.
    public static func load(path: String, overrides: [(key: String, value: String)] = []) -> Result {
        do {
            if let status = try FileSystem.status(path) {
                if status.kind != .regular {
                    return failed(path, "is not a regular file", overrides)
                }
                if status.owner != 0 || status.mode & 0o022 != 0 {
                    return failed(path, "must be owned by root and not writable by group or others", overrides)
                }
                let bytes = try FileSystem.readFile(path, limit: 1 << 20)
                guard UnicodeText.isValidUTF8(bytes) else { return failed(path, "is not valid UTF-8", overrides) }
                return parse(String(decoding: bytes, as: UTF8.self), source: path, overrides: overrides)
            }
            return parse("", source: path, overrides: overrides)
        } catch {
            return failed(path, "cannot be read: \(error)", overrides)
        }
    }

    private static func failed(_ path: String, _ message: String, _ overrides: [(key: String, value: String)]) -> Result {
        var result = parse("", source: path, overrides: overrides)
        result.problems.insert(PolicyProblem(source: path, line: nil, message: message), at: 0)
        return result
    }

    static func apply(key: String, value: String, to policy: inout Policy) -> String? {
        guard let apply = PolicyKeys.table[key] else { return "unknown key \"\(key)\"" }
        if value.contains(where: { $0.asciiValue.map { $0 < 0x20 && $0 != 0x09 } ?? false }) {
            return "\(key): control characters are not allowed"
        }
        return apply(&policy, value).map { "\(key): \($0)" }
    }

    static func crossChecks(_ p: Policy, source: String) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if p.questionsToReset > p.questionsToRegister {
            problems.append(PolicyProblem(source: source, line: nil,
                message: "questions_to_reset (\(p.questionsToReset)) is more than questions_to_register (\(p.questionsToRegister))"))
        }
        if p.methodsRequired == 2 && p.methods.filter({ $0 != .tap }).count < 2 {
            problems.append(PolicyProblem(source: source, line: nil,
                message: "methods_required = 2 needs at least two methods besides tap"))
        }
        problems += directoryProblems(p).map { PolicyProblem(source: source, line: nil, message: $0) }
        return problems
    }

    /// The known keys, for `sspr admin check` and module-argument parsing.
    public static var knownKeys: [String] { PolicyKeys.table.keys.sorted() }
}
