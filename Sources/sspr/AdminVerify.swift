import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem

struct AdminVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a code or answers a caller reads out (read from stdin). Exit 0 accepted, 1 refused.",
        discussion: """
            The proof is read from standard input: one line with the code, or for questions one answer per line
            in the order the questions are printed on standard error. Every refusal counts toward lockout.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Argument(help: "totp, recovery-code, tap or questions.") var method: String
    @Option(help: ArgumentHelp("Ask these question ids (comma-separated) instead of random ones.", valueName: "IDS"))
    var questions: String?

    func run() throws {
        guard let kind = MethodKind(name: method) else { throw CLIError.usage("unknown method \"\(method)\"") }
        let engine = try global.openEngine(create: false)
        do {
            let proof: Proof
            if kind == .questions {
                let asked: [QuestionsMethod.Question]
                if let questions {
                    let registered = try engine.questions.questions(user: user)
                    asked = questions.split(separator: ",").compactMap { id in registered.first { $0.id == String(id) } }
                } else {
                    asked = try engine.questions.pick(user: user)
                }
                for (i, q) in asked.enumerated() { printError("\(i + 1). \(q.text)") }
                let lines = try SecretInput.stdinLines()
                var answers: [QuestionsMethod.Answer] = []
                for (i, q) in asked.enumerated() where i < lines.count {
                    answers.append(.init(questionID: q.id, answer: lines[i]))
                }
                proof = .answers(answers)
            } else {
                proof = .code(try SecretInput.stdinLines().first ?? SecretBytes([]))
            }
            switch try engine.verify(user: user, method: kind, proof: proof, context: global.adminContext) {
            case .accepted:
                print("accepted")
            case .rejected(let lockedUntil):
                print("refused")
                if let lockedUntil { printError("sspr: \(user) is now locked out until \(SystemClock.localTime(lockedUntil))") }
                throw ExitCode(1)
            case .lockedOut(let until):
                print("refused")
                printError("sspr: \(user) is locked out until \(SystemClock.localTime(until)) (sspr admin unlock \(user))")
                throw ExitCode(1)
            }
        } catch let error as SSPRError {
            throw CLIError(error)
        }
    }
}
