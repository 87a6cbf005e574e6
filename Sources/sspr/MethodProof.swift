// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem
import SSPRVarlink

/// "Confirm it is you": ssprd asks for a proof of one of the user's methods before they change their methods
/// (`ProofRequired`, docs/security.md "Changing methods"). The user picks one of the methods the daemon listed
/// and answers it as at a reset; the daemon checks, counts and spends it (`ProveMethod`).
struct MethodProof {
    let transport: RegistrationTransport
    let parameters: [String: JSONValue]

    func run(_ required: [String: JSONValue]) throws {
        let methods = (required["methods"]?.array ?? []).compactMap { $0.string.flatMap(MethodKind.init(rawValue:)) }
        guard !methods.isEmpty else { throw CLIError.failed(translated("ssprd asked for a proof but named no method")) }
        TerminalInput.writeStderr(translated("To change your recovery methods, first confirm it is you with one of them.") + "\n")
        var method = methods[0]
        if methods.count > 1 {
            for (index, kind) in methods.enumerated() { TerminalInput.writeStderr("  \(index + 1). \(kind.localizedName)\n") }
            let choice = try TerminalInput.line(translated("Choose a method [1-{count}]: ", ["count": String(methods.count)]))
            guard let n = Int(choice.filter { !$0.isWhitespace }), n >= 1, n <= methods.count else {
                throw CLIError.failed(translated("Please type a number from 1 to {count}.", ["count": String(methods.count)]))
            }
            method = methods[n - 1]
        }
        var proof: [String: JSONValue] = parameters
        proof["method"] = .string(method.rawValue)
        switch method {
        case .totp: proof["code"] = .string(try text(TerminalInput.secret(ResetMessages.totpPrompt)))
        case .recoveryCode: proof["code"] = .string(try text(TerminalInput.secret(ResetMessages.recoveryCodePrompt)))
        case .tap: proof["code"] = .string(try text(TerminalInput.secret(ResetMessages.passPrompt)))
        case .email, .sms:
            let sent = try reply("BeginProof", proof)
            let masked = sent["sent_to"]?.string ?? "?"
            proof["code"] = .string(try text(TerminalInput.secret(ResetMessages.codeSentPrompt(masked))))
        case .questions:
            let asked = try reply("GetQuestions", parameters)
            var answers: [JSONValue] = []
            for item in asked["registered"]?.array ?? [] {
                guard let id = item.object?["id"]?.string, let question = item.object?["text"]?.string else { continue }
                let answer = try text(TerminalInput.secret(ResetMessages.question(question)))
                answers.append(.object(["id": .string(id), "answer": .string(answer)]))
            }
            proof["answers"] = .array(answers)
        }
        _ = try reply("ProveMethod", proof)
    }

    private func reply(_ method: String, _ parameters: [String: JSONValue]) throws -> [String: JSONValue] {
        let reply = try transport.call(method, parameters)
        if let error = reply.error { throw RegistrationClient.cliError(error, reply.parameters ?? [:]) }
        return reply.parameters ?? [:]
    }

    private func text(_ secret: SecretBytes) -> String {
        defer { secret.wipe() }
        return String(decoding: secret.bytes, as: UTF8.self)
    }
}
