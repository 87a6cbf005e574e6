import SSPRCore
import SSPRSystem

/// The typing part of `sspr add questions`: choosing numbers and entering each answer twice. A mistake costs
/// one re-ask, never the answers already given.
enum QuestionEntry {
    /// `count` different numbers from 1...`total`; asked again (up to 5 times) until they are.
    static func pickNumbers(count: Int, from total: Int) throws -> [Int] {
        for _ in 0..<5 {
            let typed = try TerminalInput.line(translated("Numbers, separated by spaces: "))
            let parts = typed.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
            let picks = parts.compactMap { Int($0) }
            if picks.count == parts.count, picks.count == count, Set(picks).count == count, picks.allSatisfy({ (1...total).contains($0) }) {
                return picks
            }
            print(translated("Please type {count} different numbers from 1 to {total}.", ["count": String(count), "total": String(total)]))
        }
        throw CLIError.failed(translated("no valid choice of questions; nothing was saved"))
    }

    /// An answer typed twice. The two are compared the way a reset compares answers (normalised: case, spaces,
    /// Unicode form), so "Main  Street" and "main street" agree; only this question is asked again on a mismatch.
    static func confirmedAnswer(_ question: String) throws -> SecretBytes {
        for _ in 0..<3 {
            let first = try TerminalInput.secret("\(question) ")
            let normalised: SecretBytes
            do { normalised = try AnswerNormaliser.normalise(first) } catch {
                print(problemText(error))
                continue
            }
            let again = try TerminalInput.secret(translated("Again: "))
            if let second = try? AnswerNormaliser.normalise(again), second.constantTimeEquals(normalised) { return first }
            print(translated("The two answers differ; please type this one again."))
        }
        throw CLIError.failed(translated("the answers to \"{question}\" did not match; nothing was saved", ["question": question]))
    }

    private static func problemText(_ problem: AnswerNormaliser.Problem) -> String {
        switch problem {
        case .tooShort: return translated("An answer needs at least {count} characters.", ["count": String(AnswerNormaliser.minimumLength)])
        case .tooLong: return translated("An answer may have at most {count} characters.", ["count": String(AnswerNormaliser.maximumLength)])
        case .invalidText: return translated("That answer contains characters that cannot be used.")
        }
    }
}
