// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
@testable import SSPRCore
import SSPRSystem
import Testing

@Suite struct LockoutTests {
    @Test func maxFailuresWithinTheWindowLocksAndUnlockClears() throws {
        let sandbox = try Sandbox()
        let clock = TestClock()
        let engine = try sandbox.engine("max_failures = 3\nfailure_window = 1h\nlockout = 2h\n", clock: clock.closure)
        let codes = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        let wrong = Proof.code(secret("AAAAA-AAAAA"))
        #expect(try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine) == .rejected(lockedUntil: nil))
        #expect(try engine.verify(user: "alice", method: .totp, proof: .code(secret("000000")), context: .commandLine) == .rejected(lockedUntil: nil),
                "failures count across methods")
        let third = try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine)
        #expect(third == .rejected(lockedUntil: clock.now + 7200))
        // Even the right code is not checked while locked (and is not spent).
        #expect(try engine.verify(user: "alice", method: .recoveryCode, proof: .code(codes[0]), context: .commandLine) == .lockedOut(until: clock.now + 7200))
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 10)
        #expect(throws: SSPRError.lockedOut(until: clock.now + 7200)) { try engine.plan(for: "alice") }
        clock.advance(7201)
        #expect(try engine.verify(user: "alice", method: .recoveryCode, proof: .code(codes[0]), context: .commandLine) == .accepted,
                "the lockout ends")
        // Failures older than the window are forgotten.
        _ = try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine)
        _ = try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine)
        clock.advance(3601)
        #expect(try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine) == .rejected(lockedUntil: nil))
        #expect(try engine.failures.failures("alice", now: clock.now) == 1)
        // Admin unlock clears failures and lockout.
        _ = try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine)
        _ = try engine.verify(user: "alice", method: .recoveryCode, proof: wrong, context: .commandLine)
        #expect(try engine.failures.lockedUntil("alice", now: clock.now) != nil)
        try engine.unlock(user: "alice", context: .commandLine)
        #expect(try engine.failures.lockedUntil("alice", now: clock.now) == nil)
        #expect(try engine.failures.failures("alice", now: clock.now) == 0)
        let events = try engine.audit.records(user: "alice", since: nil).map(\.event)
        #expect(events.filter { $0 == "lockout" }.count == 2 && events.last == "unlock")
    }

    @Test func fiftyParallelWrongProofsCountFifty() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 100\n")
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        let paths = sandbox.paths
        let policy = engine.policy
        let results = concurrently(50) { i -> ProofOutcome? in
            guard let e = try? RecoveryEngine.open(paths: paths, policy: policy, create: false) else { return nil }
            return try? e.verify(user: "alice", method: .recoveryCode, proof: .code(SecretBytes(copying: "WRONG-\(i)")), context: .commandLine)
        }
        #expect(results.count == 50 && results.allSatisfy { $0 == .rejected(lockedUntil: nil) })
        #expect(try engine.failures.failures("alice", now: SystemClock.now()) == 50)
    }

    @Test func concurrentGuessesNeverExceedMaxFailures() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 5\n")
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        let paths = sandbox.paths
        let policy = engine.policy
        let results = concurrently(40) { i -> ProofOutcome? in
            guard let e = try? RecoveryEngine.open(paths: paths, policy: policy, create: false) else { return nil }
            return try? e.verify(user: "alice", method: .recoveryCode, proof: .code(SecretBytes(copying: "WRONG-\(i)")), context: .commandLine)
        }
        let checked = results.filter { if case .rejected = $0 { return true }; return false }.count
        #expect(checked == 5, "only max_failures guesses are ever checked")
        #expect(results.filter { if case .lockedOut = $0 { return true }; return false }.count == 35)
        let lockouts = try engine.audit.records(user: "alice", since: nil).filter { $0.event == "lockout" }
        #expect(lockouts.count == 1, "one lockout, one audit record, however many failures crossed the line at once")
    }

    @Test func rightProofsCheckedAtOnceNeverStartALockout() throws {
        // 30 checks of one right recovery code at the same moment with max_failures = 5: at most 5 are in
        // flight at once, the others wait for them; right ones are withdrawn, so no lockout starts and every
        // check is answered.
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 5\n")
        let paths = sandbox.paths
        let policy = engine.policy
        let codes = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        let code = String(decoding: codes[0].bytes, as: UTF8.self)
        let results = concurrently(30) { _ -> ProofOutcome? in
            guard let e = try? RecoveryEngine.open(paths: paths, policy: policy, create: false) else { return nil }
            // Checked unspent, as the reset flow checks proofs: every one of them is right.
            return try? e.verifyUnspent(user: "alice", method: .recoveryCode, proof: .code(SecretBytes(copying: code)),
                                        context: .commandLine).outcome
        }
        #expect(results.count == 30 && results.allSatisfy { $0 == .accepted }, "\(results)")
        #expect(try engine.failures.lockedUntil("alice", now: SystemClock.now()) == nil)
        #expect(try engine.failures.failures("alice", now: SystemClock.now()) == 0)
    }

    @Test func anAttemptLeftInFlightCountsAsAFailureLater() throws {
        // A check whose process died leaves its attempt in flight: after FailureCounter.inFlightSeconds it is
        // a settled failure, so killing a process mid-check is no free guess.
        let clock = TestClock()
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 2\n", clock: clock.closure)
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        _ = try engine.store.transaction { () throws(SSPRError) in
            try engine.failures.recordAttempt("alice", method: .recoveryCode, now: clock.now)
        }
        #expect(try engine.failures.counts("alice", now: clock.now) == (settled: 0, inFlight: 1))
        clock.advance(FailureCounter.inFlightSeconds + 1)
        #expect(try engine.failures.counts("alice", now: clock.now) == (settled: 1, inFlight: 0))
        let outcome = try engine.verify(user: "alice", method: .recoveryCode, proof: .code(secret("WRONG-1")), context: .commandLine)
        #expect(outcome == .rejected(lockedUntil: clock.now + engine.policy.lockout), "the dead attempt and this one lock")
    }

    @Test func namesThatAreNotAccountsAreCountedTheSameWay() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("max_failures = 2\n")
        let ghost = "nosuchuser"
        #expect(try engine.verify(user: ghost, method: .totp, proof: .code(secret("123456")), context: .commandLine) == .rejected(lockedUntil: nil))
        guard case .rejected(let until?) = try engine.verify(user: ghost, method: .totp, proof: .code(secret("123456")), context: .commandLine) else {
            Issue.record("second failure must lock"); return
        }
        #expect(try engine.verify(user: ghost, method: .totp, proof: .code(secret("123456")), context: .commandLine) == .lockedOut(until: until))
        #expect(throws: SSPRError.lockedOut(until: until)) { try engine.plan(for: ghost) }
    }
}
