// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// ssprd's Authenticate is a password check, not a recovery proof (issue 11 item 6).
@Suite struct PasswordCheckTests {
    /// Gives `user` a real hash of `password` in the sandbox's shadow (only that line's hash field changes).
    func setPassword(_ sandbox: Sandbox, _ user: String, _ password: String) throws {
        let path = sandbox.root + "/etc/shadow"
        let hash = try Crypt.hash(secret(password), setting: Crypt.makeSetting(prefix: "$6$", cost: 5000))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if fields.count > 2 && fields[0] == user { fields[1] = hash }
            return fields.joined(separator: ":")
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    let peer = "uid 1001"

    @Test func fiveWrongCodesDoNotStopTheRightPassword() throws {
        let sandbox = try Sandbox()
        try setPassword(sandbox, "alice", "Alice-pw-1")
        let engine = try sandbox.engine()
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        for _ in 0..<5 {
            _ = try engine.verify(user: "alice", method: .recoveryCode, proof: .code(secret("AAAAA-AAAAA")), context: .commandLine)
        }
        #expect(try engine.failures.lockedUntil("alice", now: engine.now) != nil, "resets are locked")
        #expect(try engine.verifyAccountPassword(user: "alice", password: secret("Alice-pw-1"), peer: peer, context: .commandLine) == .accepted)
    }

    @Test func wrongPasswordsAreThrottledOnTheirOwnAndNeverLockResets() throws {
        let sandbox = try Sandbox()
        try setPassword(sandbox, "alice", "Alice-pw-1")
        let clock = TestClock()
        let engine = try sandbox.engine("max_failures = 3\n", clock: clock.closure)
        for _ in 0..<PasswordThrottle.maximumFailures {
            #expect(try engine.verifyAccountPassword(user: "alice", password: secret("wrong"), peer: peer, context: .commandLine) == .rejected)
        }
        #expect(try engine.failures.failures("alice", now: clock.now) == 0 && engine.failures.lockedUntil("alice", now: clock.now) == nil,
                "no reset failure counted, no lockout")
        let throttled = try engine.verifyAccountPassword(user: "alice", password: secret("Alice-pw-1"), peer: peer, context: .commandLine)
        #expect(throttled == .throttled(until: clock.now + PasswordThrottle.window), "not even the right one is checked now")
        // Another peer asking about alice is throttled too (the account's key), and alice's throttle is alice's alone.
        #expect(try engine.verifyAccountPassword(user: "alice", password: secret("Alice-pw-1"), peer: "uid 0", context: .commandLine) != .accepted)
        try setPassword(sandbox, "bob", "Bob-pw-1")
        #expect(try engine.verifyAccountPassword(user: "bob", password: secret("Bob-pw-1"), peer: "uid 1002", context: .commandLine) == .accepted)
        clock.advance(PasswordThrottle.window + 1)
        #expect(try engine.verifyAccountPassword(user: "alice", password: secret("Alice-pw-1"), peer: peer, context: .commandLine) == .accepted)
        let results = try engine.audit.records(user: "alice", since: nil).filter { $0.event == "authenticate" }.map(\.result)
        #expect(results == Array(repeating: "fail", count: 5) + ["throttled", "throttled", "pass"])
    }

    @Test func rightPasswordsAreWithdrawnFromTheThrottle() throws {
        let sandbox = try Sandbox()
        try setPassword(sandbox, "alice", "Alice-pw-1")
        let engine = try sandbox.engine()
        for _ in 0..<20 {
            #expect(try engine.verifyAccountPassword(user: "alice", password: secret("Alice-pw-1"), peer: peer, context: .commandLine) == .accepted)
        }
    }

    @Test func anExpiredPasswordThatIsRightIsAccepted() throws {
        let sandbox = try Sandbox()
        try setPassword(sandbox, "gina", "Gina-pw-1")  // last change 0: must change
        try setPassword(sandbox, "hank", "Hank-pw-1")  // the account (not the password) expired
        try setPassword(sandbox, "carol", "Carol-pw-1")
        let engine = try sandbox.engine()
        #expect(try engine.verifyAccountPassword(user: "gina", password: secret("Gina-pw-1"), peer: "uid 1007", context: .commandLine) == .accepted)
        #expect(try engine.verifyAccountPassword(user: "gina", password: secret("wrong"), peer: "uid 1007", context: .commandLine) == .rejected)
        #expect(try engine.verifyAccountPassword(user: "hank", password: secret("Hank-pw-1"), peer: "uid 1008", context: .commandLine) == .rejected)
        // A real hash, then locked the way usermod -L does it (a "!" before the hash).
        let path = sandbox.root + "/etc/shadow"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "carol:$6$", with: "carol:!$6$").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try engine.verifyAccountPassword(user: "carol", password: secret("Carol-pw-1"), peer: "uid 1003", context: .commandLine) == .rejected,
                "an admin-locked account never passes")
    }
}
