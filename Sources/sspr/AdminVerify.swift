import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem
import SSPRVarlink

struct AdminVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a code or answers a caller reads out (read from stdin). Exit 0 accepted, 1 refused.",
        discussion: """
            The proof is read from standard input: one line with the code, or for questions one answer per line
            in the order the questions are printed on standard error. Every refusal counts toward lockout.
            A member of sspr-admin (not root) is asked for their own password first; without a terminal it is
            the first line of standard input.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Argument(help: "totp, recovery-code, tap or questions.") var method: String
    @Option(help: ArgumentHelp("Ask these question ids (comma-separated) instead of random ones.", valueName: "IDS"))
    var questions: String?

    func run() throws {
        guard let kind = MethodKind(name: method) else { throw CLIError.usage("unknown method \"\(method)\"") }
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        try client.requireAccess(to: user)
        var parameters: [String: JSONValue] = ["user": .string(user), "method": .string(kind.rawValue)]
        if kind == .questions {
            let asked = try questionsToAsk(client)
            for (i, q) in asked.enumerated() { printError("\(i + 1). \(q.text)") }
            let lines = try SecretInput.stdinLines()
            var answers: [JSONValue] = []
            for (i, q) in asked.enumerated() where i < lines.count {
                answers.append(.object(["id": .string(q.id), "answer": .string(String(decoding: lines[i].bytes, as: UTF8.self))]))
            }
            parameters["answers"] = .array(answers)
        } else {
            let code = try SecretInput.stdinLines().first ?? SecretBytes([])
            parameters["code"] = .string(String(decoding: code.bytes, as: UTF8.self))
        }
        let reply: [String: JSONValue]
        do {
            reply = try client.call("AdminVerify", parameters)
        } catch let error as CLIError where error.message.hasPrefix("locked out") {
            print("refused")
            printError("sspr: \(user) is \(error.message) (sspr admin unlock \(user))")
            throw ExitCode(1)
        }
        if reply["accepted"]?.bool == true {
            print("accepted")
            return
        }
        print("refused")
        if let until = reply["locked_until"]?.int {
            printError("sspr: \(user) is now locked out until \(SystemClock.localTime(Int64(until)))")
        }
        throw ExitCode(1)
    }

    /// The questions to read out: those named by --questions, or `questions_to_reset` of the user's at random.
    private func questionsToAsk(_ client: RegistrationClient) throws -> [(id: String, text: String)] {
        let reply = try client.call("GetQuestions", ["user": .string(user)])
        let registered: [(id: String, text: String)] = (reply["registered"]?.array ?? []).compactMap { item in
            guard let o = item.object, let id = o["id"]?.string, let text = o["text"]?.string else { return nil }
            return (id, text)
        }
        if let questions {
            return questions.split(separator: ",").compactMap { id in registered.first { $0.id == String(id) } }
        }
        let count = reply["to_reset"]?.int ?? 3
        guard registered.count >= count else { return [] }
        // Which questions are asked is not a secret; the system generator is unpredictable enough.
        return Array(registered.shuffled().prefix(count))
    }
}
