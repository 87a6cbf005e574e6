// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Sends mail through `mail_command` (the whole message on stdin, recipients in its headers) and texts through
/// `sms_command` (`{number}` replaced in argv, the text on stdin). No value a user typed reaches a header or an
/// argument unvalidated: addresses and numbers come from the store, checked again here; names and PAM items
/// go into the body only, sanitised. Each send is bounded by a timeout.
public struct MessageSender {
    public let policy: Policy
    public let paths: SystemPaths
    public var timeoutMilliseconds = 8_000

    public init(policy: Policy, paths: SystemPaths) {
        self.policy = policy
        self.paths = paths
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notConfigured(String)
        case invalidDestination
        case sender(CommandRunner.Outcome)

        public var description: String {
            switch self {
            case .notConfigured(let what): return "\(what) is not configured"
            case .invalidDestination: return "the destination is not a valid address or number"
            case .sender(let outcome): return "the sender failed: \(outcome)"
            }
        }
    }

    /// A sandbox root never uses the default mail command: tests and demos must not mail the host's users.
    var mailCommand: [String]? {
        if paths.isSandboxed && policy.mailCommand == Policy().mailCommand { return nil }
        let argv = policy.mailCommand.split(separator: " ").map(String.init)
        return argv.isEmpty ? nil : argv
    }

    /// One message to `recipients` (validated addresses or local account names).
    public func sendMail(to recipients: [String], subject: String, body: String) throws(Failure) {
        guard let argv = mailCommand else { throw .notConfigured("mail_command") }
        let checked = recipients.filter { ContactAddress.email($0) != nil || PolicyKeys.isValidName($0) }
        guard !checked.isEmpty, checked.count == recipients.count else { throw .invalidDestination }
        var message = "From: \(policy.mailFrom)\n"
        message += "To: \(checked.joined(separator: ", "))\n"
        message += "Subject: \(subject)\n"
        message += "Auto-Submitted: auto-generated\nMIME-Version: 1.0\n"
        message += "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
        message += body.hasSuffix("\n") ? body : body + "\n"
        let outcome = CommandRunner.run(argv, stdin: Array(message.utf8), timeoutMilliseconds: timeoutMilliseconds)
        guard outcome.succeeded else { throw .sender(outcome) }
    }

    /// One text to `number` (validated E.164).
    public func sendText(to number: String, text: String) throws(Failure) {
        guard let template = policy.smsCommand else { throw .notConfigured("sms_command") }
        guard let checked = ContactAddress.phone(number), checked == number else { throw .invalidDestination }
        // Split first, substitute after: a number can never add or split an argument.
        let argv = template.split(separator: " ").map { String($0).replacingAll("{number}", with: checked) }
        let outcome = CommandRunner.run(argv, stdin: Array((text + "\n").utf8), timeoutMilliseconds: timeoutMilliseconds)
        guard outcome.succeeded else { throw .sender(outcome) }
    }

    /// Text from outside (a tty name, a remote host) made safe for a message body: printable ASCII, at most 64.
    static func bodySafe(_ value: String) -> String {
        let safe = value.utf8.prefix(64).map { b -> UInt8 in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2e || b == 0x2d
                || b == 0x3a || b == 0x2f || b == 0x5f ? b : 0x3f
        }
        return safe.isEmpty ? "-" : String(decoding: safe, as: UTF8.self)
    }
}
