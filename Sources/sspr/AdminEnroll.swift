import ArgumentParser
import SSPRCore
import SSPRSystem

struct AdminEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Register a method for a user.",
        discussion: """
            totp --secret BASE32        the user's authenticator secret (without --secret a new one is made and shown)
            recovery-codes              ten new codes, printed once
            questions --file F          lines "question-id: answer" (F may be - for stdin); ids from sspr-questions.conf
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Argument(help: "totp, recovery-codes or questions.") var method: String
    @Option(help: ArgumentHelp("TOTP secret in base32.", valueName: "BASE32")) var secret: String?
    @Option(help: ArgumentHelp("Answers file for questions.", valueName: "F")) var file: String?

    func run() throws {
        guard let kind = MethodKind(name: method) else { throw CLIError.usage("unknown method \"\(method)\"") }
        let engine = try global.openEngine(create: true)
        do {
            switch kind {
            case .totp:
                try enrollTOTP(engine)
            case .recoveryCode:
                let codes = try engine.generateRecoveryCodes(user: user, context: global.adminContext)
                print("Recovery codes for \(user) (each works once; they are not shown again):")
                for code in codes { print("  " + String(decoding: code.bytes, as: UTF8.self)) }
            case .questions:
                guard let file else { throw CLIError.usage("questions needs --file F") }
                try enrollQuestions(engine, file: file)
            case .email, .sms:
                // An address is registered only by proving it: the user runs sspr add email|sms, which sends a code there.
                throw CLIError.failed("\(kind.rawValue) is registered by proving the address: sspr --user \(user) add \(kind.rawValue) DESTINATION")
            case .tap:
                throw CLIError.usage("a temporary access pass is issued with: sspr admin pass \(user)")
            }
        } catch let error as SSPRError {
            throw CLIError(error)
        }
    }

    private func enrollTOTP(_ engine: RecoveryEngine) throws {
        let key: SecretBytes
        if let secret {
            guard let decoded = OATH.base32Decode(secret) else { throw CLIError.failed("--secret is not valid base32") }
            key = decoded
        } else {
            key = try TOTPMethod.newSecret()
        }
        try engine.enrollTOTP(user: user, secret: key, context: global.adminContext)
        if secret == nil, let encoded = OATH.base32Encode(key) {
            let text = String(decoding: encoded.bytes, as: UTF8.self)
            print("Secret for \(user)'s authenticator app (shown once): \(text)")
            print("otpauth://totp/sspr:\(user)?secret=\(text)&issuer=sspr&algorithm=SHA1&digits=6&period=30")
        } else {
            print("Authenticator app registered for \(user).")
        }
    }

    private func enrollQuestions(_ engine: RecoveryEngine, file: String) throws {
        let (catalogue, problems) = QuestionCatalogue.load(path: engine.paths.questions)
        if catalogue.questions.isEmpty {
            throw CLIError.failed("no questions in \(engine.paths.questions)" + (problems.first.map { ": \($0)" } ?? ""))
        }
        var answers: [QuestionsMethod.Answer] = []
        for (index, line) in try SecretInput.fileLines(file).enumerated() where !line.isEmpty {
            guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw CLIError.failed("\(file):\(index + 1): expected \"question-id: answer\"")
            }
            let id = String(decoding: line.bytes[..<colon], as: UTF8.self).filter { $0 != " " && $0 != "\t" }
            answers.append(.init(questionID: id, answer: SecretBytes(Array(line.bytes[(colon + 1)...]))))
        }
        try engine.enrollQuestions(user: user, answers: answers, catalogue: catalogue, context: global.adminContext)
        print("Security questions registered for \(user) (\(answers.count)).")
    }
}
