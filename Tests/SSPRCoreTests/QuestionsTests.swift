// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

@Suite struct QuestionsTests {
    func normalised(_ s: String) throws -> String {
        String(decoding: try AnswerNormaliser.normalise(secret(s)).bytes, as: UTF8.self)
    }

    @Test func normalisation() throws {
        #expect(try normalised("  Main   Street ") == "main street")
        #expect(try normalised("Main\tStreet") == "main street")
        #expect(try normalised("STRASSE") == (try normalised("Straße")))
        // "é" precomposed and "e" + combining acute are the same answer (NFC).
        #expect(try normalised("Caf\u{E9}") == (try normalised("Cafe\u{301}")))
        #expect(try normalised("ÅNGSTRÖM") == "ångström")
    }

    @Test func lengthAndTextLimits() {
        #expect(throws: AnswerNormaliser.Problem.tooShort) { try AnswerNormaliser.normalise(secret("  ab  ")) }
        #expect(throws: AnswerNormaliser.Problem.tooLong) { try AnswerNormaliser.normalise(secret(String(repeating: "x", count: 41))) }
        #expect(throws: AnswerNormaliser.Problem.invalidText) { try AnswerNormaliser.normalise(SecretBytes([0x61, 0xff, 0x62, 0x63])) }
        #expect(throws: AnswerNormaliser.Problem.invalidText) { try AnswerNormaliser.normalise(SecretBytes([0x61, 0x00, 0x62, 0x63])) }
        #expect(throws: AnswerNormaliser.Problem.invalidText) { try AnswerNormaliser.normalise(secret("abc\u{1b}def")) }
        // 40 characters of 2-byte letters are fine: the limit counts characters, not bytes.
        #expect(throws: Never.self) { try AnswerNormaliser.normalise(secret(String(repeating: "é", count: 40))) }
    }

    func answers(_ pairs: [(String, String)]) -> [QuestionsMethod.Answer] {
        pairs.map { QuestionsMethod.Answer(questionID: $0.0, answer: secret($0.1)) }
    }

    func catalogue(_ sandbox: Sandbox) -> QuestionCatalogue { QuestionCatalogue.load(path: sandbox.paths.questions).catalogue }

    @Test func enrolAndVerify() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try engine.enrollQuestions(user: "alice", answers: answers([("first-pet", "Rex"), ("first-car", "Ford Fiesta"), ("first-teacher", "Smith")]),
                                   catalogue: catalogue(sandbox), context: .commandLine)
        #expect(try engine.registeredMethods("alice") == [.questions])
        #expect(try engine.questions.verify(user: "alice", answers: answers([("first-pet", " rex"), ("first-car", "FORD  fiesta"), ("first-teacher", "smith")])))
        #expect(try !engine.questions.verify(user: "alice", answers: answers([("first-pet", "rex"), ("first-car", "ford fiesta"), ("first-teacher", "jones")])))
        #expect(try !engine.questions.verify(user: "alice", answers: answers([("first-pet", "rex"), ("first-car", "ford fiesta")])), "too few")
        #expect(try !engine.questions.verify(user: "alice", answers: answers([("first-pet", "rex"), ("first-pet", "rex"), ("first-car", "ford fiesta")])), "same question twice")
        #expect(try !engine.questions.verify(user: "alice", answers: answers([("first-pet", "rex"), ("first-car", "ford fiesta"), ("first-boss", "smith")])), "unregistered question")
        // Stored hashed, text of the question stored with it.
        let db = try sandbox.database()
        let rows = try db.query("SELECT question_text, answer_hash FROM questions WHERE user = 'alice'")
        #expect(rows.count == 3)
        for row in rows { #expect(row[1].text?.hasPrefix("$") == true && row[1].text?.contains("rex") == false) }
    }

    @Test func pickAsksQuestionsToResetAtRandom() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("questions_to_register = 5\nquestions_to_reset = 2\n")
        try engine.enrollQuestions(user: "alice", answers: answers([("first-pet", "Rex"), ("first-car", "Ford"), ("first-teacher", "Smith"),
                                                                    ("first-boss", "Jones"), ("first-concert", "Queen")]),
                                   catalogue: catalogue(sandbox), context: .commandLine)
        var seen = Set<String>()
        for _ in 0..<60 {
            let picked = try engine.questions.pick(user: "alice")
            #expect(picked.count == 2 && Set(picked.map(\.id)).count == 2)
            seen.formUnion(picked.map(\.id))
        }
        #expect(seen.count == 5, "all questions come up over 60 draws")
    }

    @Test(arguments: [
        ("too few", [("first-pet", "Rex"), ("first-car", "Ford")], "give answers to 3 to 5"),
        ("duplicate answers", [("first-pet", "Rex"), ("first-car", "rex "), ("first-teacher", "Smith")], "same as another answer"),
        ("duplicate question", [("first-pet", "Rex"), ("first-pet", "Max"), ("first-teacher", "Smith")], "chosen twice"),
        ("unknown question", [("first-pet", "Rex"), ("favourite-color", "Blue"), ("first-teacher", "Smith")], "not a question"),
        ("short answer", [("first-pet", "Rx"), ("first-car", "Ford"), ("first-teacher", "Smith")], "must be 3 to 40"),
    ])
    func badEnrolmentWritesNothing(_ name: String, _ pairs: [(String, String)], _ message: String) throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try engine.enrollQuestions(user: "alice", answers: answers([("first-pet", "Old"), ("first-car", "Older"), ("first-teacher", "Oldest")]),
                                   catalogue: catalogue(sandbox), context: .commandLine)
        do {
            try engine.enrollQuestions(user: "alice", answers: answers(pairs), catalogue: catalogue(sandbox), context: .commandLine)
            Issue.record("\(name) accepted")
        } catch {
            #expect(error.description.contains(message), "\(name): \(error)")
            #expect(!error.description.lowercased().contains("rex"), "no answer in the message")
        }
        #expect(try engine.questions.verify(user: "alice", answers: answers([("first-pet", "old"), ("first-car", "older"), ("first-teacher", "oldest")])),
                "the earlier registration is intact")
    }
}
