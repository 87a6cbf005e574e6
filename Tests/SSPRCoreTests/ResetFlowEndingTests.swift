// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// How a reset ends when it does not simply complete: racing resets with one proof, a shadow write that fails
/// after the proofs were spent, too many wrong proofs, a lockout with its time zone.
@Suite struct ResetFlowEndingTests {
    static let offer = ResetMessages.offer

    func codes(_ engine: RecoveryEngine) throws -> [String] {
        try engine.generateRecoveryCodes(user: "alice", context: .commandLine).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    func conversation(code: String, password: String) -> ScriptedConversation {
        ScriptedConversation([Self.offer: ["yes"], ResetMessages.recoveryCodePrompt: [code],
                              ResetMessages.newPassword: [password], ResetMessages.retypePassword: [password]])
    }

    /// The reset is in the audit before the user reads the success line: a helper killed while the application
    /// shows it (RuntimeMaxSec, a killed su) leaves no changed password without a record (docs/security.md).
    @Test func theResetIsAuditedBeforeTheSuccessLine() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        let conversation = conversation(code: try codes(engine)[0], password: "Audited-first-Pw-1")
        var recordedFirst: [String] = []
        conversation.onShow[ResetMessages.resetDone] = {
            recordedFirst = ((try? engine.audit.records(user: "alice", since: nil)) ?? []).map(\.event)
        }
        guard case .completed = try sandbox.resetFlow().run(user: "alice", conversation: conversation) else {
            Issue.record("not completed: \(conversation.transcript)"); return
        }
        #expect(recordedFirst.contains("reset"), "audit when the success line was shown: \(recordedFirst)")
    }

    @Test func twoResetsHoldingOneCodeExactlyOneWins() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        let code = try codes(engine)[0]
        // The first reset has checked the code and is at "Retype new password:" when a second reset with the
        // same code runs from start to end; then the first one goes on.
        let first = conversation(code: code, password: "First-new-Pw-1")
        let second = conversation(code: code, password: "Second-new-Pw-2")
        var secondOutcome: Result<ResetOutcome, SSPRError>? = nil
        first.onPrompt[ResetMessages.retypePassword] = {
            do throws(SSPRError) { secondOutcome = .success(try sandbox.resetFlow().run(user: "alice", conversation: second)) }
            catch { secondOutcome = .failure(error) }
        }
        #expect(throws: SSPRError.passwordUpdateFailed("a proof was used by another reset meanwhile")) {
            try sandbox.resetFlow().run(user: "alice", conversation: first)
        }
        guard case .success(.completed) = secondOutcome else { Issue.record("second: \(String(describing: secondOutcome))"); return }
        #expect(first.errors == [ResetMessages.proofUsedMeanwhile])
        let hash = try sandbox.shadowHash("alice")
        #expect(Crypt.verify(SecretBytes(copying: "Second-new-Pw-2"), against: hash))
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 9)
        let events = try engine.audit.records(user: "alice", since: nil).map { "\($0.event) \($0.detail)" }
        #expect(events.last == "reset_failed a proof was used by another reset meanwhile; proved recovery_code, still usable")
    }

    @Test func thirtyResetsThatCheckedOneCodeSpendItOnce() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 100\n")
        let code = try codes(engine)[0]
        // As thirty conversations held at "New password:": each has checked the code (unspent, so each check
        // passes); then all commit at once.
        var claims: [ProofClaim] = []
        for _ in 0..<30 {
            let checked = try engine.verifyUnspent(user: "alice", method: .recoveryCode, proof: .code(SecretBytes(copying: code)),
                                                   context: .commandLine)
            claims.append(try #require(checked.claim))
        }
        let paths = sandbox.paths
        let policy = engine.policy
        nonisolated(unsafe) let held = claims
        let results = concurrently(30) { i -> String in
            do {
                let e = try RecoveryEngine.open(paths: paths, policy: policy, create: false)
                return try e.spend([held[i]], user: "alice") != nil ? "spent" : "used meanwhile"
            } catch {
                return "\(error)"
            }
        }
        #expect(results.count == 30 && results.allSatisfy { $0 == "spent" || $0 == "used meanwhile" }, "\(results)")
        #expect(results.filter { $0 == "spent" }.count == 1)
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 9)
    }

    @Test func aShadowWriteThatFailsGivesTheProofsBack() throws {
        let sandbox = try Sandbox()
        let clock = TestClock(SystemClock.now())
        let engine = try sandbox.engine(clock: clock.closure)
        let secret = SecretBytes(copying: "12345678901234567890")
        try engine.enrollTOTP(user: "alice", secret: secret, context: .commandLine)
        let code = try #require(OATH.totp(secret: secret, time: clock.now, digits: 6, step: 30))
        let policy = "methods = totp\n"
        let conversation = ScriptedConversation([Self.offer: ["yes"], ResetMessages.totpPrompt: [code],
                                                 ResetMessages.newPassword: ["Brand-new-Pw-42"], ResetMessages.retypePassword: ["Brand-new-Pw-42"]])
        // While the user types the password, another tool changes alice's hash: the write must refuse.
        let changed = "$6$othersalt$" + String(repeating: "x", count: 86)
        conversation.onPrompt[ResetMessages.retypePassword] = {
            let path = sandbox.paths.shadow
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try? text.replacingOccurrences(of: FixtureLines.yescrypt + ":19500", with: changed + ":19500")
                .write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(throws: SSPRError.self) { try sandbox.resetFlow(policy).run(user: "alice", conversation: conversation) }
        #expect(conversation.errors == [ResetMessages.resetFailed])
        #expect(try sandbox.shadowHash("alice") == changed, "nothing written over the other tool's change")
        let last = try #require(try engine.audit.records(user: "alice", since: nil).last)
        #expect(last.event == "reset_failed" && last.detail.hasSuffix("; proved totp, still usable"), "\(last.detail)")
        // The code was spent for the write and given back: it still proves alice once.
        #expect(try engine.verify(user: "alice", method: .totp, proof: .code(SecretBytes(copying: code)), context: .commandLine) == .accepted)
        #expect(try engine.verify(user: "alice", method: .totp, proof: .code(SecretBytes(copying: code)), context: .commandLine)
                == .rejected(lockedUntil: nil))
    }

    @Test func theLastWrongProofSaysTooManyAttempts() throws {
        let sandbox = try Sandbox(policy: "")
        let engine = try sandbox.engine()
        _ = try codes(engine)
        let conversation = ScriptedConversation([Self.offer: ["yes"], ResetMessages.recoveryCodePrompt: ["AAAAA-AAAAA"]])
        #expect(throws: SSPRError.tooManyAttempts) { try sandbox.resetFlow("helpdesk = Call 555-0100\n").run(user: "alice", conversation: conversation) }
        #expect(conversation.errors == [ResetMessages.wrongProof, ResetMessages.wrongProof, ResetMessages.wrongProof,
                                        ResetMessages.tooManyAttempts, "Call 555-0100"])
        #expect(try engine.failures.failures("alice", now: SystemClock.now()) == 3, "each wrong proof counted")
        #expect(try engine.audit.records(user: "alice", since: nil).last?.detail == "too many wrong proofs")
    }

    @Test func theLockoutTimeCarriesItsZone() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 1\n")
        _ = try codes(engine)
        let conversation = ScriptedConversation([Self.offer: ["yes"], ResetMessages.recoveryCodePrompt: ["AAAAA-AAAAA"]])
        guard case .lockedOut(let until) = (Result { () throws(SSPRError) in
            try sandbox.resetFlow("max_failures = 1\n").run(user: "alice", conversation: conversation)
        }.failureValue) else { Issue.record("not locked: \(conversation.transcript)"); return }
        let zone = SystemClock.localTime(until, format: "%Z")
        #expect(!zone.isEmpty)
        #expect(conversation.errors == [ResetMessages.wrongProof, "Password reset is locked until \(SystemClock.localTime(until, format: "%Y-%m-%d %H:%M")) \(zone)."])
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}
