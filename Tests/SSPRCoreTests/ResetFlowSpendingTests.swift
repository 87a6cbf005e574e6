// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// A proof is spent only by a completed reset: abandoned, refused and failed resets leave every one-time proof
/// usable and are audited with their reason; racing resets holding one proof get exactly one success.
@Suite struct ResetFlowSpendingTests {
    static let offer = ResetMessages.offer
    static let newPassword = "Brand-new-Pw-42"

    func text(_ code: SecretBytes) -> String { String(decoding: code.bytes, as: UTF8.self) }

    /// yes, `code` at the recovery-code prompt, then `passwords` at "New password:" (nil: the user goes away).
    func script(code: String, passwords: [String?]) -> ScriptedConversation {
        ScriptedConversation([Self.offer: ["yes"], ResetMessages.recoveryCodePrompt: [code],
                              ResetMessages.newPassword: passwords, ResetMessages.retypePassword: passwords])
    }

    func completes(_ sandbox: Sandbox, code: String) throws -> Bool {
        let conversation = script(code: code, passwords: [Self.newPassword])
        guard case .completed = try sandbox.resetFlow().run(user: "alice", conversation: conversation) else { return false }
        return Crypt.verify(SecretBytes(copying: Self.newPassword), against: try sandbox.shadowHash("alice"))
    }

    @Test func abandonedAtNewPasswordLeavesTheCodeUsable() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        let code = text(try engine.generateRecoveryCodes(user: "alice", context: .commandLine)[0])
        let shadowBefore = sandbox.fileBytes(sandbox.paths.shadow)

        let conversation = script(code: code, passwords: [nil])
        #expect(throws: SSPRError.conversationFailed("the application went away")) {
            try sandbox.resetFlow().run(user: "alice", conversation: conversation)
        }
        #expect(conversation.prompts == [Self.offer, ResetMessages.recoveryCodePrompt, ResetMessages.newPassword])
        #expect(sandbox.fileBytes(sandbox.paths.shadow) == shadowBefore)
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 10, "the code was not spent")
        let last = try #require(try engine.audit.records(user: "alice", since: nil).last)
        #expect(last.event == "reset_abandoned" && last.result == "fail")
        #expect(last.detail == "conversation ended at new password; proved recovery_code, still usable")
        #expect(!last.detail.contains(code))

        #expect(try completes(sandbox, code: code), "the same code completes a reset afterwards")
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 9, "and is spent by it")
        #expect(try engine.audit.records(user: "alice", since: nil).last?.event == "reset")
    }

    @Test func aRefusedPasswordLeavesTheCodeUsableAndSaysSo() throws {
        let sandbox = try Sandbox(policy: "helpdesk = Call 555-0100\n")
        let engine = try sandbox.engine()
        let code = text(try engine.generateRecoveryCodes(user: "alice", context: .commandLine)[0])

        let conversation = script(code: code, passwords: ["short"])
        #expect(throws: SSPRError.tooManyAttempts) { try sandbox.resetFlow("helpdesk = Call 555-0100\n").run(user: "alice", conversation: conversation) }
        #expect(conversation.prompts.filter { $0 == ResetMessages.newPassword }.count == ResetFlow.passwordTries)
        #expect(conversation.errors.filter { $0.hasPrefix("BAD PASSWORD: The password is shorter than") }.count == ResetFlow.passwordTries)
        #expect(conversation.errors.suffix(3) == [ResetMessages.tooManyAttempts, ResetMessages.nothingUsedUp, "Call 555-0100"])
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 10)
        let last = try #require(try engine.audit.records(user: "alice", since: nil).last)
        #expect(last.event == "reset_failed" && last.detail == "password refused; proved recovery_code, still usable")
        #expect(try completes(sandbox, code: code))
    }

    @Test func totpPassAndMailedCodeAreKeptByAnAbandonedReset() throws {
        let sandbox = try Sandbox()
        let mail = sandbox.root + "/mail"
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        // E-mail is opt-in: this test turns it on.
        let senders = "mail_command = \(try recordingSender(in: mail))\nnotify_user = no\nnotify_admins = no\n"
        let policy = "methods = totp,questions,recovery_code,email,tap\n" + senders
        let clock = TestClock(SystemClock.now())
        let engine = try sandbox.engine(policy, clock: clock.closure)
        let key = SecretBytes(copying: "12345678901234567890")
        try engine.enrollTOTP(user: "alice", secret: key, context: .commandLine)
        let pass = text(try engine.issuePass(user: "alice", lifetime: 3600, reusable: false, context: .commandLine))
        let totpCode = try #require(OATH.totp(secret: key, time: clock.now, digits: 6, step: 30))

        // Each method's proof is checked without being spent: the same proof is accepted again afterwards.
        for (method, proof) in [(MethodKind.totp, totpCode), (.tap, pass)] {
            let first = try engine.verifyUnspent(user: "alice", method: method, proof: .code(SecretBytes(copying: proof)), context: .commandLine)
            let again = try engine.verifyUnspent(user: "alice", method: method, proof: .code(SecretBytes(copying: proof)), context: .commandLine)
            #expect(first.outcome == .accepted && again.outcome == .accepted, "\(method)")
            let firstClaim = try #require(first.claim)
            let againClaim = try #require(again.claim)
            let spent = try #require(try engine.spend([againClaim], user: "alice"))
            #expect(try engine.spend([firstClaim], user: "alice") == nil, "\(method): the second spend of one proof fails")
            try engine.giveBack(spent, user: "alice")
            #expect(try engine.spend([firstClaim], user: "alice") != nil, "\(method): given back, it can be spent again")
        }

        // A mailed code, through the flow: checked, then the user leaves at "New password:"; in the next reset
        // (which mails a new code) the first code still works, once.
        let registration = try engine.beginContactRegistration(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
        #expect(registration == .sent(masked: "a***@example.com"))
        let registrationCode = try #require(sixDigits(sentMessages(mail)[0].stdin))
        #expect(try engine.confirmContactRegistration(user: "alice", kind: .email, code: secret(registrationCode), context: .commandLine) == .accepted)
        let flowPolicy = senders + "methods = email\n"
        let prompt = "Code sent to a***@example.com: "
        let send = ResetMessages.sendCodePrompt("a***@example.com")  // no menu: the code goes out on an empty reply
        var firstCode = ""
        let leave = ScriptedConversation([Self.offer: ["yes"], send: [""], ResetMessages.newPassword: [nil]])
        leave.computed[prompt] = {
            firstCode = sixDigits(sentMessages(mail).last?.stdin ?? "") ?? ""
            return firstCode
        }
        #expect(throws: SSPRError.self) { try sandbox.resetFlow(flowPolicy).run(user: "alice", conversation: leave) }
        #expect(leave.prompts.last == ResetMessages.newPassword && firstCode.count == 6)
        let finish = ScriptedConversation([Self.offer: ["yes"], send: [""], prompt: [firstCode],
                                           ResetMessages.newPassword: [Self.newPassword], ResetMessages.retypePassword: [Self.newPassword]])
        guard case .completed = try sandbox.resetFlow(flowPolicy).run(user: "alice", conversation: finish) else {
            Issue.record("the kept code did not complete the reset: \(finish.transcript)"); return
        }
        #expect(sentMessages(mail).count == 3, "registration, first reset, second reset")
        let replay = ScriptedConversation([Self.offer: ["yes"], send: [""], prompt: [firstCode, nil]])
        #expect(throws: SSPRError.self) { try sandbox.resetFlow(flowPolicy).run(user: "alice", conversation: replay) }
        #expect(replay.errors.first == ResetMessages.wrongProof, "spent by the completed reset")
    }
}
