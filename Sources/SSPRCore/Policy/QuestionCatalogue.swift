// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The security questions users may choose from (`/etc/security/sspr-questions.conf`): one `id: text` per
/// line, `#` comments. The text of each chosen question is stored with the answer at registration, so a later
/// edit of the catalogue never changes what an enrolled user is asked.
public struct QuestionCatalogue: Equatable, Sendable {
    public struct Question: Equatable, Sendable {
        public let id: String
        public let text: String
    }

    public let questions: [Question]

    public func question(id: String) -> Question? { questions.first { $0.id == id } }

    public static func parse(_ text: String, source: String) -> (catalogue: QuestionCatalogue, problems: [PolicyProblem]) {
        var questions: [Question] = []
        var problems: [PolicyProblem] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = trim(String(raw))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: "expected id: question text"))
                continue
            }
            let id = trim(String(line[..<colon]))
            let question = trim(String(line[line.index(after: colon)...]))
            guard isValidID(id) else {
                problems.append(PolicyProblem(source: source, line: lineNumber,
                    message: "question id \"\(id)\" must be 1-32 lowercase letters, digits or '-'"))
                continue
            }
            guard (5...200).contains(question.utf8.count) else {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: "question text must be 5-200 bytes"))
                continue
            }
            if questions.contains(where: { $0.id == id }) {
                problems.append(PolicyProblem(source: source, line: lineNumber, message: "question id \"\(id)\" is used twice"))
                continue
            }
            questions.append(Question(id: id, text: question))
        }
        return (QuestionCatalogue(questions: questions), problems)
    }

    public static func load(path: String) -> (catalogue: QuestionCatalogue, problems: [PolicyProblem]) {
        do {
            let bytes = try FileSystem.readFile(path, limit: 1 << 20)
            guard UnicodeText.isValidUTF8(bytes) else {
                return (QuestionCatalogue(questions: []), [PolicyProblem(source: path, line: nil, message: "is not valid UTF-8")])
            }
            return parse(String(decoding: bytes, as: UTF8.self), source: path)
        } catch {
            return (QuestionCatalogue(questions: []), [PolicyProblem(source: path, line: nil, message: "cannot be read: \(error)")])
        }
    }

    static func isValidID(_ id: String) -> Bool {
        guard (1...32).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }
}
