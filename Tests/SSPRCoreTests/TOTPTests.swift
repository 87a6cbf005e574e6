// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

@Suite struct TOTPTests {
    static let rfcSeed = SecretBytes(copying: "12345678901234567890")

    static func vectors(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: Sandbox.fixtures.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
    }

    @Test func rfc4226HOTPVectors() throws {
        let rows = try Self.vectors("rfc4226-vectors.tsv")
        #expect(rows.count == 10)
        for row in rows {
            #expect(OATH.hotp(secret: Self.rfcSeed, counter: UInt64(row[0]) ?? 0) == row[1])
        }
    }

    /// liboath computes the SHA1 vectors of RFC 6238 (the algorithm sspr uses); 8 digits as in the RFC.
    @Test func rfc6238SHA1Vectors() throws {
        let rows = try Self.vectors("rfc6238-vectors.tsv").filter { $0[1] == "SHA1" }
        #expect(rows.count == 6)
        for row in rows {
            #expect(OATH.totp(secret: Self.rfcSeed, time: Int64(row[0]) ?? 0, digits: 8) == row[2], "t=\(row[0])")
        }
    }

    @Test func acceptsOneStepEitherSideAndNeverTwice() throws {
        let sandbox = try Sandbox()
        let clock = TestClock(1_111_111_111)
        let engine = try sandbox.engine(clock: clock.closure)
        try engine.enrollTOTP(user: "alice", secret: Self.rfcSeed, context: .commandLine)
        func code(_ t: Int64) -> SecretBytes { secret(OATH.totp(secret: Self.rfcSeed, time: t) ?? "") }
        let t = clock.now
        #expect(try engine.totp.verify(user: "alice", code: code(t - 60), now: t) == false, "two steps back")
        #expect(try engine.totp.verify(user: "alice", code: code(t + 60), now: t) == false, "two steps ahead")
        #expect(try engine.totp.verify(user: "alice", code: code(t - 30), now: t) == true, "one step back")
        #expect(try engine.totp.verify(user: "alice", code: code(t - 30), now: t) == false, "replay")
        #expect(try engine.totp.verify(user: "alice", code: code(t - 30), now: t) == false, "earlier step after a later one")
        #expect(try engine.totp.verify(user: "alice", code: code(t), now: t) == true, "current step")
        #expect(try engine.totp.verify(user: "alice", code: code(t), now: t) == false, "replay of current")
        #expect(try engine.totp.verify(user: "alice", code: code(t + 30), now: t) == true, "one step ahead")
        #expect(try engine.totp.verify(user: "alice", code: secret("12345"), now: t) == false)
        #expect(try engine.totp.verify(user: "alice", code: secret("abcdef"), now: t) == false)
        #expect(try engine.totp.verify(user: "bob", code: code(t), now: t) == false, "not registered")
    }

    @Test func fiftyRacingVerificationsOfOneCodeExactlyOneWins() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try engine.enrollTOTP(user: "alice", secret: Self.rfcSeed, context: .commandLine)
        let now = SystemClock.now()
        let code = OATH.totp(secret: Self.rfcSeed, time: now) ?? ""
        let paths = sandbox.paths
        let policy = sandbox.policy()
        let results = concurrently(50) { _ -> Bool in
            guard let e = try? RecoveryEngine.open(paths: paths, policy: policy, create: false, clock: { now }) else { return false }
            let outcome = try? e.verify(user: "alice", method: .totp, proof: .code(SecretBytes(copying: code)), context: .commandLine)
            return outcome == .accepted
        }
        #expect(results.count == 50)
        #expect(results.filter { $0 }.count == 1)
    }

    @Test func base32RoundTrip() throws {
        let key = try #require(OATH.base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(key.bytes == Array("12345678901234567890".utf8))
        #expect(OATH.base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")?.bytes == key.bytes)
        #expect(OATH.base32Decode("not base32!") == nil)
        #expect(OATH.base32Encode(key).map { String(decoding: $0.bytes, as: UTF8.self) } == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }
}
