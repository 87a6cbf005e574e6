// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem

/// `sspr admin check`'s part about senders. A method that needs a sender fails at the worst moment (a user
/// locked out, choosing "code by e-mail") when the sender is missing, so for an enabled method that is a
/// problem; for notices alone (notify_user, notify_admins) it is a warning, since resets still work.
struct SenderCheck {
    let policy: Policy
    let paths: SystemPaths

    func run(sendTestTo address: String?, problem: (String) -> Void, warning: (String) -> Void, ok: (String) -> Void) {
        let mailProgram = executable(policy.mailCommand)
        let sandboxDefault = paths.isSandboxed && policy.mailCommand == Policy().mailCommand
        if policy.methods.contains(.email) {
            if sandboxDefault { problem("email is in methods but mail_command is not set (under --root the default is never used)") }
            else if let mailProgram { ok("mail_command \(mailProgram) (email)") }
            else { problem("email is in methods but mail_command \(policy.mailCommand) is not an executable file: install an MTA or set mail_command") }
        } else if policy.notifyUser || policy.notifyAdmins {
            if let mailProgram, !sandboxDefault { ok("mail_command \(mailProgram) (notices)") }
            else if !sandboxDefault { warning("mail_command \(policy.mailCommand) is not an executable file: notices after resets and changes are not sent") }
        }
        if policy.methods.contains(.sms) {
            if let command = policy.smsCommand {
                if let program = executable(command) { ok("sms_command \(program)") }
                else { problem("sms is in methods but sms_command \(command) is not an executable file") }
            } else {
                problem("sms is in methods but sms_command is not set: it is not offered until a sender is configured")
            }
        }
        if let address { sendTest(to: address, problem: problem, ok: ok) }
    }

    /// A real message through the configured sender: the only proof that mail or texts leave this machine.
    private func sendTest(to address: String, problem: (String) -> Void, ok: (String) -> Void) {
        let sender = MessageSender(policy: policy, paths: paths)
        let text = "This is a test message from sspr on \(policy.hostLabel) (sspr admin check --send-test). No action is needed."
        do {
            if let email = ContactAddress.email(address) {
                try sender.sendMail(to: [email], subject: "sspr test message", body: text)
                ok("test message handed to mail_command for \(email)")
            } else if let number = ContactAddress.phone(address) {
                try sender.sendText(to: number, text: text)
                ok("test text handed to sms_command for \(ContactAddress.mask(number, kind: .sms))")
            } else {
                problem("--send-test: \"\(address)\" is neither an e-mail address nor a phone number (+ and 6 to 15 digits)")
            }
        } catch {
            problem("--send-test \(address): \(error)")
        }
    }

    private func executable(_ command: String?) -> String? {
        guard let program = command?.split(separator: " ").first.map(String.init) else { return nil }
        guard let status = try? FileSystem.status(program), status.kind == .regular, status.mode & 0o111 != 0 else { return nil }
        return program
    }
}
