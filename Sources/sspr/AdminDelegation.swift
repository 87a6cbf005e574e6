import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem
import SSPRVarlink

// The admin commands as a member of sspr-admin runs them: through ssprd, which asks for the member's own
// password (NotAuthenticated) and lets them act on every account but root and members of admin_groups. Root
// runs the same commands on the store directly (each command's run()).

extension AdminUnlock {
    func runThroughDaemon() throws {
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        _ = try client.call("AdminUnlock", ["user": .string(user)])
        print("Unlocked \(user).")
    }
}

extension AdminRemove {
    func runThroughDaemon(_ kind: MethodKind?) throws {
        var parameters: [String: JSONValue] = ["user": .string(user)]
        if let kind { parameters["method"] = .string(kind.rawValue) }
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        let removed = try client.call("AdminRemove", parameters)["removed"]?.int ?? 0
        if removed == 0 { throw CLIError.failed(kind.map { translated("{user} has no {method} registered", ["user": user, "method": $0.rawValue]) }
                                                       ?? translated("{user} has no method registered", ["user": user])) }
        print("Removed \(kind?.rawValue ?? "all methods") of \(user).")
    }
}

extension AdminEnroll {
    /// One user, one method (bulk enrollment with --from is root's).
    func runThroughDaemon(user: String, kind: MethodKind) throws {
        let client = try RegistrationClient(global: global, user: nil, admin: true)
        switch kind {
        case .totp:
            var parameters: [String: JSONValue] = ["user": .string(user)]
            if let secret { parameters["secret"] = .string(secret) }
            let reply = try client.call("AdminEnrollTOTP", parameters)
            if let text = reply["secret"]?.string, let uri = reply["uri"]?.string {
                print("Secret for \(user)'s authenticator app (shown once): \(text)")
                print(uri)
            } else {
                print("Authenticator app registered for \(user).")
            }
        case .recoveryCode:
            let codes = try client.call("GenerateRecoveryCodes", ["user": .string(user)])["codes"]?.array?.compactMap(\.string) ?? []
            print("Recovery codes for \(user) (each works once; they are not shown again):")
            for code in codes { print("  " + code) }
        case .questions:
            // The password first: the answers file may be stdin.
            try client.requireAccess(to: user)
            var answers: [JSONValue] = []
            for (index, line) in try SecretInput.fileLines(file ?? "-").enumerated() where !line.isEmpty {
                guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else {
                    throw CLIError.failed(translated("{file}:{line}: expected \"question-id: answer\"", ["file": file ?? "-", "line": String(index + 1)]))
                }
                let id = String(decoding: line.bytes[..<colon], as: UTF8.self).filter { $0 != " " && $0 != "\t" }
                answers.append(.object(["id": .string(id), "answer": .string(String(decoding: line.bytes[(colon + 1)...], as: UTF8.self))]))
            }
            _ = try client.call("SetQuestions", ["user": .string(user), "answers": .array(answers)])
            print("Security questions registered for \(user) (\(answers.count)).")
        case .email, .sms, .tap:
            throw CLIError.usage(translated("enroll totp, recovery-codes or questions"))
        }
    }
}

extension AdminVerify {
    func runThroughDaemon(_ kind: MethodKind) throws {
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        try client.requireAccess(to: user)  // the member's password before the proof is read
        var parameters: [String: JSONValue] = ["user": .string(user), "method": .string(kind.rawValue)]
        if kind == .questions {
            let asked = try delegatedQuestions(client)
            var answers: [JSONValue] = []
            if isatty(0) == 1 {
                for q in asked { answers.append(.object(["id": .string(q.id), "answer": .string(try Self.text(TerminalInput.secret("\(q.text) ")))])) }
            } else {
                for (i, q) in asked.enumerated() { printError("\(i + 1). \(q.text)") }
                for (q, line) in zip(asked, try SecretInput.stdinLines()) {
                    answers.append(.object(["id": .string(q.id), "answer": .string(Self.text(line))]))
                }
            }
            parameters["answers"] = .array(answers)
        } else {
            let code = isatty(0) == 1 ? try TerminalInput.secret("Code: ") : try SecretInput.stdinLines().first ?? SecretBytes([])
            guard code.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
                print("refused")
                throw CLIError.failed(translated("no code given (nothing was counted)"))
            }
            parameters["code"] = .string(Self.text(code))
        }
        let reply: [String: JSONValue]
        do {
            reply = try client.call("AdminVerify", parameters)
        } catch let error as CLIError where error.daemonError == .lockedOut {
            print("refused")
            printError("sspr: " + translated("{user}: {reason} (sspr admin unlock {user})", ["user": user, "reason": error.message]))
            throw ExitCode(1)
        }
        if reply["accepted"]?.bool == true {
            print("accepted")
            return
        }
        print("refused")
        if let until = reply["locked_until"]?.int {
            printError("sspr: " + translated("{user} is now locked out until {time}", ["user": user, "time": SystemClock.localTime(Int64(until))]))
        }
        throw ExitCode(1)
    }

    private static func text(_ secret: SecretBytes) -> String { String(decoding: secret.bytes, as: UTF8.self) }

    /// The questions to read out: those named by --questions, or `questions_to_reset` of the user's at random.
    private func delegatedQuestions(_ client: RegistrationClient) throws -> [(id: String, text: String)] {
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
