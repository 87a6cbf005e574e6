import ArgumentParser
import SSPRCore
import SSPRQRCode
import SSPRSystem
import SSPRVarlink

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "What you have registered, what the policy asks.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON output.") var json = false

    struct Output: Encodable {
        let user: String, methods: [String], meets_policy: Bool, reconfirm_due: Bool, recovery_codes_left: Int
        let gates: Int, allowed_methods: [String], locked_until: Int64?
    }

    func run() throws {
        let client = try RegistrationClient(global: global, user: global.user)
        let s = try client.call("GetStatus")
        let out = Output(user: s["user"]?.string ?? "", methods: s["methods"]?.array?.compactMap(\.string) ?? [],
                         meets_policy: s["meets_policy"]?.bool ?? false, reconfirm_due: s["reconfirm_due"]?.bool ?? false,
                         recovery_codes_left: s["recovery_codes_left"]?.int ?? 0, gates: s["gates"]?.int ?? 1,
                         allowed_methods: s["allowed_methods"]?.array?.compactMap(\.string) ?? [],
                         locked_until: s["locked_until"]?.int.map { Int64($0) })
        if json { try JSONOutput.print(JSONStatus(out)); return }
        print(translated("Account:            {user}", ["user": out.user]))
        print(translated("Registered methods: {methods}", ["methods": out.methods.isEmpty ? translated("none") : out.methods.joined(separator: ", ")]))
        if out.methods.contains("recovery_code") {
            print(translated("Recovery codes left: {count}", ["count": String(out.recovery_codes_left)]))
        }
        let allowed = out.allowed_methods.joined(separator: ", ")
        print(out.gates == 2 ? translated("Policy:             two different methods from {methods}", ["methods": allowed])
                             : translated("Policy:             one method from {methods}", ["methods": allowed]))
        print(out.meets_policy ? translated("You can reset a forgotten password at the login prompt.")
                                : translated("Not enough methods yet: run sspr register."))
        if out.reconfirm_due { print(translated("Your methods are due for reconfirmation: run sspr confirm.")) }
        if let locked = out.locked_until { print(ResetMessages.lockedUntil(SystemClock.localTime(locked))) }
    }

    /// --json keeps UTC timestamps (machine-readable, zone "Z"); the text above says local time with its zone.
    struct JSONStatus: Encodable {
        let user: String, methods: [String], meets_policy: Bool, reconfirm_due: Bool, recovery_codes_left: Int
        let gates: Int, allowed_methods: [String], locked_until: String?
        init(_ o: Output) {
            user = o.user; methods = o.methods; meets_policy = o.meets_policy; reconfirm_due = o.reconfirm_due
            recovery_codes_left = o.recovery_codes_left; gates = o.gates; allowed_methods = o.allowed_methods
            locked_until = o.locked_until.map(SystemClock.utcTimestamp)
        }
    }
}

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register", abstract: "Guided registration until the policy is met.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let client = try RegistrationClient(global: global, user: global.user)
        for _ in 0..<4 {
            let status = try client.call("GetStatus")
            let have = Set(status["methods"]?.array?.compactMap(\.string) ?? [])
            if status["meets_policy"]?.bool == true {
                print(translated("Done: you can reset a forgotten password at the login prompt (sspr status)."))
                return
            }
            let allowed = (status["allowed_methods"]?.array?.compactMap(\.string) ?? [])
                .filter { ["totp", "questions", "recovery_code"].contains($0) && !have.contains($0) }
            // (E-mail and SMS need an address: sspr add email ADDRESS, sspr add sms NUMBER.)
            guard !allowed.isEmpty else { throw CLIError.failed(translated("the policy needs methods this command cannot register; ask your administrator")) }
            print(translated("Choose a method to add:"))
            for (i, m) in allowed.enumerated() { print("  \(i + 1). \(MethodKind(rawValue: m)?.localizedName ?? m)") }
            let choice = try TerminalInput.line(translated("Method [1-{count}]: ", ["count": String(allowed.count)]))
            guard let n = Int(choice.trimmingSpaces), n >= 1, n <= allowed.count, let kind = MethodKind(rawValue: allowed[n - 1]) else {
                print(ResetMessages.invalidChoice(allowed.count))
                continue
            }
            try MethodRegistration(client: client).add(kind, destination: nil)
        }
        throw CLIError.failed(translated("registration not finished; run sspr register again"))
    }
}

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a method: totp, questions, recovery-codes, email ADDRESS, sms NUMBER.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "totp, questions, recovery-codes, email or sms.") var method: String
    @Argument(help: "The address or number, for email and sms.") var destination: String?

    func run() throws {
        guard let kind = MethodKind(name: method), kind.isUserRegistered else { throw CLIError.usage(translated("unknown method \"{method}\"", ["method": method])) }
        if (kind == .email || kind == .sms) && destination == nil {
            throw CLIError.usage(kind == .email ? translated("sspr add email needs the ADDRESS") : translated("sspr add sms needs the NUMBER"))
        }
        let client = try RegistrationClient(global: global, user: global.user)
        try MethodRegistration(client: client).add(kind, destination: destination)
    }
}

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove one of your methods.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "totp, questions, recovery-codes, email or sms.") var method: String

    func run() throws {
        guard let kind = MethodKind(name: method) else { throw CLIError.usage(translated("unknown method \"{method}\"", ["method": method])) }
        let client = try RegistrationClient(global: global, user: global.user)
        _ = try client.call("RemoveMethod", ["method": .string(kind.rawValue)])
        print(translated("Removed: {method}.", ["method": kind.localizedName]))
    }
}

struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm", abstract: "Reconfirm that your methods are still yours.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let client = try RegistrationClient(global: global, user: global.user)
        _ = try client.call("Confirm")
        print(translated("Thank you: your methods are confirmed."))
    }
}

/// The interactive part of adding each method.
struct MethodRegistration {
    let client: RegistrationClient

    func add(_ kind: MethodKind, destination: String?) throws {
        switch kind {
        case .totp: try addTOTP()
        case .questions: try addQuestions()
        case .recoveryCode: try addRecoveryCodes()
        case .email, .sms: try addContact(kind, destination: destination ?? "")
        case .tap: throw CLIError.usage(translated("a temporary access pass is issued by an administrator"))
        }
    }

    private func addTOTP() throws {
        let begin = try client.call("BeginTOTP")
        guard let uri = begin["uri"]?.string, let secret = begin["secret"]?.string else { throw CLIError.failed(translated("ssprd sent no secret")) }
        print(translated("Scan this with your authenticator app:"))
        for line in TerminalQRCode.lines(for: uri) ?? [] { print(line) }
        // The URI is not printed: with the code and these lines it would push the code's top off an 80x24 screen.
        print(translated("Or enter the secret by hand: {secret}", ["secret": secret]))
        for attempt in 1...3 {
            let code = try TerminalInput.line(translated("Code shown by the app: "))
            do {
                _ = try client.call("ConfirmTOTP", ["code": .string(code.trimmingSpaces)])
                print(translated("Authenticator app registered."))
                return
            } catch let error as CLIError where error.isWrongCode && attempt < 3 {
                print(translated("That code was not right; try the next one."))
            }
        }
    }

    private func addQuestions() throws {
        let q = try client.call("GetQuestions")
        let questions = q["questions"]?.array?.compactMap { $0.object } ?? []
        let count = q["to_register"]?.int ?? 3
        guard questions.count >= count else { throw CLIError.failed(translated("the question catalogue has too few questions")) }
        print(translated("Choose {count} questions whose answers you will remember exactly and others cannot look up:",
                         ["count": String(count)]))
        for (i, item) in questions.enumerated() { print(String(repeating: " ", count: i + 1 < 10 ? 2 : 1) + "\(i + 1). \(item["text"]?.string ?? "")") }
        let picks = try QuestionEntry.pickNumbers(count: count, from: questions.count)
        var answers: [JSONValue] = []
        for pick in picks {
            let item = questions[pick - 1]
            let answer = try QuestionEntry.confirmedAnswer(item["text"]?.string ?? "")
            answers.append(.object(["id": item["id"] ?? .null, "answer": .string(String(decoding: answer.bytes, as: UTF8.self))]))
        }
        _ = try client.call("SetQuestions", ["answers": .array(answers)])
        print(translated("Security questions registered."))
    }

    /// A code goes to the new address or number; it is kept only when the user types that code back.
    private func addContact(_ kind: MethodKind, destination: String) throws {
        let begin = try client.call("BeginContact", ["method": .string(kind.rawValue), "destination": .string(destination)])
        let masked = begin["sent_to"]?.string ?? (kind == .email ? translated("the new address") : translated("the new number"))
        for attempt in 1...3 {
            let code = try TerminalInput.secret(ResetMessages.codeSentPrompt(masked))
            do {
                _ = try client.call("ConfirmContact", ["method": .string(kind.rawValue),
                                                       "code": .string(String(decoding: code.bytes, as: UTF8.self))])
                print(kind == .email ? translated("E-mail address {address} registered.", ["address": masked])
                                      : translated("Phone number {number} registered.", ["number": masked]))
                return
            } catch let error as CLIError where error.isWrongCode && attempt < 3 {
                print(ResetMessages.wrongProof)
            }
        }
    }

    private func addRecoveryCodes() throws {
        let r = try client.call("GenerateRecoveryCodes")
        print(translated("Your recovery codes. Each works once. Print them or write them down and keep them somewhere safe:"))
        print(translated("they are not shown again, and any earlier codes no longer work."))
        for code in r["codes"]?.array?.compactMap(\.string) ?? [] { print("  \(code)") }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
