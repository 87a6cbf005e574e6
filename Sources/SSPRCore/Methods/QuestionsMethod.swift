// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Security questions: the user's chosen questions with hashed, normalised answers; a reset asks
/// `questions_to_reset` of them at random and needs every answer right.
public struct QuestionsMethod {
    public struct Answer {
        public let questionID: String
        public let answer: SecretBytes
        public init(questionID: String, answer: SecretBytes) { self.questionID = questionID; self.answer = answer }
    }

    public struct Question: Equatable, Sendable {
        public let id: String
        public let text: String
    }

    let store: Store
    let policy: Policy

    /// Replaces the user's questions. Needs `questions_to_register`..5 distinct catalogue questions with
    /// distinct valid answers; nothing is written unless all are good.
    public func enroll(user: String, answers: [Answer], catalogue: QuestionCatalogue, now: Int64) throws(SSPRError) {
        guard (policy.questionsToRegister...5).contains(answers.count) else {
            throw .invalidInput("give answers to \(policy.questionsToRegister) to 5 questions (got \(answers.count))")
        }
        var normalised: [SecretBytes] = []
        var rows: [(QuestionCatalogue.Question, String)] = []
        for (index, item) in answers.enumerated() {
            guard let question = catalogue.question(id: item.questionID) else {
                throw .invalidInput("\"\(item.questionID)\" is not a question in the catalogue")
            }
            if rows.contains(where: { $0.0.id == question.id }) {
                throw .invalidInput("question \"\(question.id)\" is chosen twice")
            }
            let answer: SecretBytes
            do { answer = try AnswerNormaliser.normalise(item.answer) } catch {
                switch error {
                case .tooShort, .tooLong:
                    throw .invalidInput("answer \(index + 1) (\(question.id)) must be \(AnswerNormaliser.minimumLength) to \(AnswerNormaliser.maximumLength) characters")
                case .invalidText:
                    throw .invalidInput("answer \(index + 1) (\(question.id)) is not valid text")
                }
            }
            if normalised.contains(where: { $0.constantTimeEquals(answer) }) {
                throw .invalidInput("answer \(index + 1) (\(question.id)) is the same as another answer; answers must differ")
            }
            normalised.append(answer)
            rows.append((question, try SecretHasher.slowHash(answer)))
        }
        _ = try store.run("DELETE FROM questions WHERE user = ?", [.text(user)])
        for (question, hash) in rows {
            _ = try store.run("INSERT INTO questions (user, question_id, question_text, answer_hash) VALUES (?, ?, ?, ?)",
                              [.text(user), .text(question.id), .text(question.text), .text(hash)])
        }
        _ = try store.run("""
            INSERT INTO methods (user, kind, created, confirmed) VALUES (?, 'questions', ?, ?)
            ON CONFLICT (user, kind) DO UPDATE SET created = excluded.created, confirmed = excluded.confirmed
            """, [.text(user), .integer(now), .integer(now)])
    }

    /// The user's registered questions.
    public func questions(user: String) throws(SSPRError) -> [Question] {
        try store.query("SELECT question_id, question_text FROM questions WHERE user = ? ORDER BY question_id", [.text(user)])
            .compactMap { row in
                guard row.count == 2, let id = row[0].text, let text = row[1].text else { return nil }
                return Question(id: id, text: text)
            }
    }

    /// `questions_to_reset` of the user's questions, chosen at random (kernel randomness).
    public func pick(user: String) throws(SSPRError) -> [Question] {
        var pool = try questions(user: user)
        guard pool.count >= policy.questionsToReset else { return [] }
        var chosen: [Question] = []
        while chosen.count < policy.questionsToReset, !pool.isEmpty {
            let index: Int
            do { index = Int(try SecureRandom.uniform(UInt32(pool.count))) } catch { throw .system(error) }
            guard index < pool.count else { break }
            chosen.append(pool.remove(at: index))
        }
        return chosen
    }

    /// True when `answers` cover `questions_to_reset` distinct registered questions and every one is right.
    /// Every answer is hashed even after a wrong one, so time does not tell which was wrong.
    public func verify(user: String, answers: [Answer]) throws(SSPRError) -> Bool {
        let stored = try store.query("SELECT question_id, answer_hash FROM questions WHERE user = ?", [.text(user)])
        var hashes: [String: String] = [:]
        for row in stored where row.count == 2 {
            if let id = row[0].text, let hash = row[1].text { hashes[id] = hash }
        }
        var seen: [String] = []
        var allRight = answers.count == policy.questionsToReset
        for item in answers {
            let right: Bool
            if let hash = hashes[item.questionID], !seen.contains(item.questionID),
               let answer = try? AnswerNormaliser.normalise(item.answer) {
                right = Crypt.verify(answer, against: hash)
            } else {
                right = false
            }
            seen.append(item.questionID)
            allRight = allRight && right
        }
        return allRight && !answers.isEmpty
    }
}
