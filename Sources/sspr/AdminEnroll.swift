import ArgumentParser
import SSPRCore
import SSPRSystem
import SSPRVarlink

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
        let client = try RegistrationClient(global: global, user: nil, admin: true)
        switch kind {
        case .totp:
            try enrollTOTP(client)
        case .recoveryCode:
            let codes = try client.call("GenerateRecoveryCodes", ["user": .string(user)])["codes"]?.array?.compactMap(\.string) ?? []
            print("Recovery codes for \(user) (each works once; they are not shown again):")
            for code in codes { print("  " + code) }
        case .questions:
            guard let file else { throw CLIError.usage("questions needs --file F") }
            try enrollQuestions(client, file: file)
        case .email, .sms:
            // An address is registered only by proving it: the user runs sspr add email|sms, which sends a code there.
            throw CLIError.failed("\(kind.rawValue) is registered by proving the address: sspr --user \(user) add \(kind.rawValue) DESTINATION")
        case .tap:
            throw CLIError.usage("a temporary access pass is issued with: sspr admin pass \(user)")
        }
    }

    private func enrollTOTP(_ client: RegistrationClient) throws {
        var parameters: [String: JSONValue] = ["user": .string(user)]
        if let secret { parameters["secret"] = .string(secret) }
        let reply = try client.call("AdminEnrollTOTP", parameters)
        if let text = reply["secret"]?.string, let uri = reply["uri"]?.string {
            print("Secret for \(user)'s authenticator app (shown once): \(text)")
            print(uri)
        } else {
            print("Authenticator app registered for \(user).")
        }
    }

    /// The answers file is read here, by the admin's own process (it may be "-" or a file only they can read),
    /// and its answers go to the service like `sspr add questions` sends them.
    private func enrollQuestions(_ client: RegistrationClient, file: String) throws {
        try client.requireAccess(to: user)
        var answers: [JSONValue] = []
        for (index, line) in try SecretInput.fileLines(file).enumerated() where !line.isEmpty {
            guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw CLIError.failed("\(file):\(index + 1): expected \"question-id: answer\"")
            }
            let id = String(decoding: line.bytes[..<colon], as: UTF8.self).filter { $0 != " " && $0 != "\t" }
            let answer = String(decoding: line.bytes[(colon + 1)...], as: UTF8.self)
            answers.append(.object(["id": .string(id), "answer": .string(answer)]))
        }
        _ = try client.call("SetQuestions", ["user": .string(user), "answers": .array(answers)])
        print("Security questions registered for \(user) (\(answers.count)).")
    }
}
