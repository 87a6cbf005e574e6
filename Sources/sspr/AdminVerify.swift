import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem

struct AdminVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a code or answers a caller reads out. Exit 0 accepted, 1 refused.",
        discussion: """
            On a terminal each code or question is asked with echo off. From a pipe: one line with the code, or for
            questions one answer per line in the order the questions are printed on standard error. A wrong proof
            counts toward lockout; an empty one, a method the user has not registered, and an authenticator code or
            recovery code that was already accepted (read out twice) are refused without counting.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Argument(help: "totp, recovery-code, tap or questions.") var method: String
    @Option(help: ArgumentHelp("Ask these question ids (comma-separated) instead of random ones.", valueName: "IDS"))
    var questions: String?

    func run() throws {
        guard let kind = MethodKind(name: method) else { throw CLIError.usage(translated("unknown method \"{method}\"", ["method": method])) }
        if kind == .email || kind == .sms { throw CLIError.usage(translated("{method} codes are sent at a reset; verify totp, recovery-code, tap or questions", ["method": kind.rawValue])) }
        if !global.isRoot { return try runThroughDaemon(kind) }
        let engine = try global.openEngine(create: false)
        try engine.requireKnownAccount(user)
        do {
            guard try engine.registeredMethods(user).contains(kind) else {
                print("refused")
                throw CLIError.failed("\(user) has no usable \(AdminEnroll.registrationName(kind)) registered (nothing was counted)")
            }
            let proof = kind == .questions ? try askAnswers(engine) : try askCode(engine, kind)
            switch try engine.verify(user: user, method: kind, proof: proof, context: global.adminContext) {
            case .accepted:
                print("accepted")
            case .rejected(let lockedUntil):
                print("refused")
                if let lockedUntil { printError("sspr: " + translated("{user} is now locked out until {time}", ["user": user, "time": SystemClock.localTime(lockedUntil)])) }
                throw ExitCode(1)
            case .lockedOut(let until):
                print("refused")
                printError("sspr: " + translated("{user} is locked out until {time} (sspr admin unlock {user})", ["user": user, "time": SystemClock.localTime(until)]))
                throw ExitCode(1)
            }
        } catch let error as SSPRError {
            throw CLIError(error)
        }
    }

    private var interactive: Bool { isatty(0) == 1 }

    /// One code, never echoed. Empty input and a replayed authenticator code are refused before the engine
    /// counts anything: a helpdesk typo or a caller reading the same code twice must not lock the user out.
    private func askCode(_ engine: RecoveryEngine, _ kind: MethodKind) throws -> Proof {
        let prompt: String
        switch kind {
        case .totp: prompt = "Authenticator app code: "
        case .recoveryCode: prompt = "Recovery code: "
        case .tap: prompt = "Temporary access pass: "
        case .questions, .email, .sms: prompt = "Code: "
        }
        let code = interactive ? try TerminalInput.secret(prompt) : try SecretInput.stdinLines().first ?? SecretBytes([])
        guard code.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            print("refused")
            throw CLIError.failed(translated("no code given (nothing was counted)"))
        }
        let spent: Bool
        switch kind {
        case .totp: spent = try engine.totp.isSpent(user: user, code: code, now: engine.now)
        case .recoveryCode: spent = try engine.recoveryCodes.isSpent(user: user, typed: code)
        case .tap, .questions, .email, .sms: spent = false
        }
        if spent {
            print("refused")
            throw CLIError.failed(kind == .totp ? translated("that code was already accepted; ask for the next one (not counted)")
                                                : translated("that recovery code was already used; ask for another one (not counted)"))
        }
        return .code(code)
    }

    /// The questions, each asked by its text with echo off on a terminal; from a pipe, one answer per line.
    private func askAnswers(_ engine: RecoveryEngine) throws -> Proof {
        let asked: [QuestionsMethod.Question]
        if let questions {
            let registered = try engine.questions.questions(user: user)
            asked = try questions.split(separator: ",").map { id in
                guard let q = registered.first(where: { $0.id == String(id) }) else {
                    throw CLIError.usage(translated("{user} has not registered question \"{id}\"", ["user": user, "id": String(id)]))
                }
                return q
            }
        } else {
            asked = try engine.questions.pick(user: user)
        }
        var answers: [QuestionsMethod.Answer] = []
        if interactive {
            for q in asked {
                var answer = SecretBytes([])
                for _ in 0..<3 where answer.isEmpty { answer = try TerminalInput.secret("\(q.text) ") }
                answers.append(.init(questionID: q.id, answer: answer))
            }
        } else {
            for (i, q) in asked.enumerated() { printError("\(i + 1). \(q.text)") }
            let lines = try SecretInput.stdinLines()
            for (i, q) in asked.enumerated() where i < lines.count {
                answers.append(.init(questionID: q.id, answer: lines[i]))
            }
        }
        guard answers.count == asked.count, answers.allSatisfy({ !$0.answer.isEmpty }) else {
            print("refused")
            throw CLIError.failed(translated("{count} answers are needed, one per question (nothing was counted)", ["count": String(asked.count)]))
        }
        return .answers(answers)
    }
}
