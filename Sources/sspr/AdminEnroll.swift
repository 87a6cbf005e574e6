// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import Glibc
import SSPRCore
import SSPRQRCode
import SSPRSystem

struct AdminEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Register a method for a user, or for many users from a file.",
        discussion: """
            USER totp [--secret BASE32]    without --secret a new secret is made and shown with its QR code
            USER recovery-codes            ten new codes, printed once
            USER questions --file F        lines "question-id: answer" (F may be - for stdin); ids from sspr-questions.conf
            --from FILE [--output OUT]     many users at once: CSV lines "user,method[,secret]" (totp or recovery-codes)
                                           or JSON [{"user": "...", "method": "...", "secret": "..."}]; prints (or writes
                                           to OUT, created 0600, never overwritten) what each user must receive, as CSV
                                           or with --json as JSON. Every name is checked before anything is enrolled.
            A method the user already has is replaced only after a yes on the terminal, or with --replace.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String?
    @Argument(help: "totp, recovery-codes or questions.") var method: String?
    @Option(help: ArgumentHelp("TOTP secret in base32.", valueName: "BASE32")) var secret: String?
    @Option(help: ArgumentHelp("Answers file for questions.", valueName: "F")) var file: String?
    @Option(help: ArgumentHelp("Enroll every user listed in FILE (CSV or JSON).", valueName: "FILE")) var from: String?
    @Option(help: ArgumentHelp("With --from: write what each user must receive to OUT (mode 0600) instead of stdout.", valueName: "OUT"))
    var output: String?
    @Flag(help: "With --from: JSON output.") var json = false
    @Flag(help: "Replace a method the user already has without asking.") var replace = false

    func validate() throws {
        if from != nil {
            if user != nil || method != nil { throw ValidationError("--from FILE takes no USER or METHOD") }
        } else {
            if user == nil || method == nil { throw ValidationError("name USER and METHOD, or use --from FILE") }
            if output != nil || json { throw ValidationError("--output and --json go with --from") }
        }
    }

    func run() throws {
        if let from {
            try BulkEnrollment(global: global, replace: replace).run(file: from, output: output, json: json)
            return
        }
        guard let user, let method else { throw CLIError.usage(translated("name USER and METHOD")) }
        guard let kind = MethodKind(name: method) else { throw CLIError.usage(translated("unknown method \"{method}\"", ["method": method])) }
        if kind == .tap { throw CLIError.usage(translated("a temporary access pass is issued with: sspr admin pass {user}", ["user": user])) }
        if kind == .email || kind == .sms {
            // An address is registered only by proving it: the user runs sspr add email|sms, which sends a code there.
            throw CLIError.failed(translated("{method} is registered by proving the address: sspr --user {user} add {method} DESTINATION",
                                             ["method": kind.rawValue, "user": user]))
        }
        if kind == .questions && file == nil { throw CLIError.usage(translated("questions needs --file F")) }
        if !global.isRoot { return try runThroughDaemon(user: user, kind: kind) }
        let engine = try global.openEngine(create: true)
        // The enrollment's notice was queued with it; this root process sends it (or leaves it for the timer).
        defer { _ = try? engine.noticeDelivery.deliverDue() }
        try engine.requireKnownAccount(user)
        do {
            try confirmReplacement(engine, user: user, kind: kind)
            switch kind {
            case .totp:
                try enrollTOTP(engine, user: user)
            case .recoveryCode:
                let codes = try engine.generateRecoveryCodes(user: user, context: global.adminContext)
                print("Recovery codes for \(user) (each works once; they are not shown again):")
                for code in codes { print("  " + String(decoding: code.bytes, as: UTF8.self)) }
            case .questions:
                try enrollQuestions(engine, user: user, file: file ?? "-")
            case .email, .sms, .tap:
                break
            }
        } catch let error as SSPRError {
            throw CLIError(error)
        }
    }

    /// Enrolling over an existing method silently took the user's working authenticator or codes away: ask.
    private func confirmReplacement(_ engine: RecoveryEngine, user: String, kind: MethodKind) throws {
        guard !replace, try engine.hasRegistration(user: user, method: kind) else { return }
        let what = Self.registrationName(kind)
        guard isatty(0) == 1, kind != .questions || file != "-" else {
            throw CLIError.failed("\(user) already has \(what) registered; add --replace to replace it (nothing changed)")
        }
        let answer = try TerminalInput.line("\(user) already has \(what) registered. Replace it? [y/N] ").trimmingSpaces.lowercased()
        guard answer == "y" || answer == "yes" else { throw CLIError.failed("kept \(user)'s \(what); nothing changed") }
    }

    /// How a registration is named in a sentence ("alice already has recovery codes registered").
    static func registrationName(_ kind: MethodKind) -> String {
        switch kind {
        case .totp: return "authenticator app"
        case .questions: return "security questions"
        case .recoveryCode: return "recovery codes"
        case .email: return "an e-mail address"
        case .sms: return "a phone number"
        case .tap: return "a temporary access pass"
        }
    }

    private func enrollTOTP(_ engine: RecoveryEngine, user: String) throws {
        let key: SecretBytes
        if let secret {
            guard let decoded = OATH.base32Decode(secret) else { throw CLIError.failed(translated("--secret is not valid base32")) }
            key = decoded
        } else {
            key = try TOTPMethod.newSecret()
        }
        try engine.enrollTOTP(user: user, secret: key, context: global.adminContext)
        guard secret == nil, let encoded = OATH.base32Encode(key) else {
            print("Authenticator app registered for \(user).")
            return
        }
        let text = String(decoding: encoded.bytes, as: UTF8.self)
        let uri = TOTPProvisioning.uri(user: user, base32Secret: text, hostLabel: engine.policy.hostLabel)
        print("Scan this with \(user)'s authenticator app, or type the secret:")
        for line in TerminalQRCode.lines(for: uri) ?? [] { print(line) }
        // Scripts (the demo) read the secret from this line: keep its wording.
        print("Secret for \(user)'s authenticator app (shown once): \(text)")
        print(uri)
    }

    private func enrollQuestions(_ engine: RecoveryEngine, user: String, file: String) throws {
        let (catalogue, problems) = QuestionCatalogue.load(path: engine.paths.questions)
        if catalogue.questions.isEmpty {
            throw CLIError.failed("no questions in \(engine.paths.questions)" + (problems.first.map { ": \($0)" } ?? ""))
        }
        var answers: [QuestionsMethod.Answer] = []
        for (index, line) in try SecretInput.fileLines(file).enumerated() where !line.isEmpty {
            guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw CLIError.failed(translated("{file}:{line}: expected \"question-id: answer\"", ["file": file, "line": String(index + 1)]))
            }
            let id = String(decoding: line.bytes[..<colon], as: UTF8.self).filter { $0 != " " && $0 != "\t" }
            answers.append(.init(questionID: id, answer: SecretBytes(Array(line.bytes[(colon + 1)...]))))
        }
        try engine.enrollQuestions(user: user, answers: answers, catalogue: catalogue, context: global.adminContext)
        print("Security questions registered for \(user) (\(answers.count)).")
    }
}
