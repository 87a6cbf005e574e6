// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

@Suite struct OneTimeSecretTests {
    @Test func recoveryCodesAreTenUniqueSingleUseAndHashed() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        let codes = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        let texts = codes.map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(codes.count == 10 && Set(texts).count == 10)
        for t in texts { #expect(t.count == 11 && t.contains("-")) }
        #expect(try engine.recoveryCodes.redeem(user: "alice", typed: secret(texts[3].lowercased().replacingOccurrences(of: "-", with: " ")), now: 1))
        #expect(try !engine.recoveryCodes.redeem(user: "alice", typed: secret(texts[3]), now: 2), "spent")
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 9)
        #expect(try !engine.recoveryCodes.redeem(user: "bob", typed: secret(texts[4]), now: 2), "another user's code")
        let raw = try sandbox.storeContents()
        for t in texts { #expect(raw.firstRange(of: Array(t.utf8)) == nil && raw.firstRange(of: Array(t.replacingOccurrences(of: "-", with: "").utf8)) == nil) }
        // New codes replace the old ones.
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        #expect(try !engine.recoveryCodes.redeem(user: "alice", typed: secret(texts[5]), now: 3))
    }

    @Test func fiftyConcurrentRedemptionsOfOneCodeExactlyOneWins() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 100\n")
        let code = String(decoding: try engine.generateRecoveryCodes(user: "alice", context: .commandLine)[0].bytes, as: UTF8.self)
        let paths = sandbox.paths
        let policy = engine.policy
        let results = concurrently(50) { _ -> ProofOutcome? in
            guard let e = try? RecoveryEngine.open(paths: paths, policy: policy, create: false) else { return nil }
            return try? e.verify(user: "alice", method: .recoveryCode, proof: .code(SecretBytes(copying: code)), context: .commandLine)
        }
        #expect(results.count == 50 && !results.contains(nil))
        #expect(results.filter { $0 == .accepted }.count == 1)
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 9)
    }

    @Test func passLifetimeSingleUseAndReusable() throws {
        let sandbox = try Sandbox()
        let clock = TestClock()
        let engine = try sandbox.engine(clock: clock.closure)
        let context = AuditContext(service: "sspr", actor: "helpdesk")
        let pass = try engine.issuePass(user: "alice", lifetime: 3600, reusable: false, context: context)
        #expect(pass.count == 19)
        #expect(try engine.registeredMethods("alice") == [.tap])
        #expect(try engine.passes.verify(user: "alice", typed: pass, now: clock.now + 10))
        #expect(try !engine.passes.verify(user: "alice", typed: pass, now: clock.now + 20), "single use")

        let reusable = try engine.issuePass(user: "alice", lifetime: 600, reusable: true, context: context)
        #expect(try engine.passes.verify(user: "alice", typed: reusable, now: clock.now + 1))
        #expect(try engine.passes.verify(user: "alice", typed: reusable, now: clock.now + 2))
        #expect(try !engine.passes.verify(user: "alice", typed: reusable, now: clock.now + 600), "expired")
        clock.advance(601)
        #expect(try engine.registeredMethods("alice") == [], "an expired pass is not a method")

        let second = try engine.issuePass(user: "alice", lifetime: 600, reusable: false, context: context)
        _ = try engine.issuePass(user: "alice", lifetime: 600, reusable: false, context: context)
        #expect(try !engine.passes.verify(user: "alice", typed: second, now: clock.now + 1), "a new pass revokes the earlier one")

        #expect(throws: SSPRError.self) { try engine.issuePass(user: "alice", lifetime: 60, reusable: false, context: context) }
        #expect(throws: SSPRError.self) { try engine.issuePass(user: "nosuchuser", lifetime: 600, reusable: false, context: context) }
        let audit = try engine.audit.records(user: "alice", since: nil)
        #expect(audit.filter { $0.event == "pass_issued" }.count == 4)
        #expect(audit.allSatisfy { $0.actor == "helpdesk" })
    }
}
