// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore
import SSPRSystem

@Suite("Shadow password history (opasswd)")
struct ShadowPasswordHistoryTests {
    func hash(_ text: String) throws -> String {
        try PasswordHasher.hash(SecretBytes(copying: text), method: HashMethod(name: "SHA512", prefix: "$6$", cost: 1_000))
    }

    @Test func recordsAndFinds() throws {
        let sandbox = try ShadowSandbox()
        let history = PasswordHistory(paths: sandbox.paths, remember: 5)
        let old = try hash("first password")
        #expect(try history.record(user: "alice", uid: 1001, oldHash: old))
        #expect(try sandbox.text(sandbox.paths.opasswd) == "alice:1001:1:\(old)\n")
        #expect(try history.contains(user: "alice", password: SecretBytes(copying: "first password")))
        #expect(try !history.contains(user: "alice", password: SecretBytes(copying: "another")))
        #expect(try !history.contains(user: "bob", password: SecretBytes(copying: "first password")))
        let status = try #require(sandbox.status(sandbox.paths.opasswd))
        #expect(status.mode == 0o600 && status.uid == 0 && status.gid == 0)
        #expect(!sandbox.exists(sandbox.paths.opasswd + "+"))
    }

    @Test func keepsAtMostRememberNewestFirstOut() throws {
        let sandbox = try ShadowSandbox()
        let history = PasswordHistory(paths: sandbox.paths, remember: 2)
        let hashes = try ["one", "two", "three"].map(hash)
        for h in hashes { try history.record(user: "bob", uid: 1002, oldHash: h) }
        #expect(try history.hashes(for: "bob") == Array(hashes.suffix(2)))
        #expect(try sandbox.text(sandbox.paths.opasswd) == "bob:1002:2:\(hashes[1]),\(hashes[2])\n")
        #expect(try !history.contains(user: "bob", password: SecretBytes(copying: "one")))
        #expect(try history.contains(user: "bob", password: SecretBytes(copying: "three")))
        // The same hash twice in a row is stored once.
        #expect(try !history.record(user: "bob", uid: 1002, oldHash: hashes[2]))
    }

    @Test func otherLinesSurviveByteForByte() throws {
        let sandbox = try ShadowSandbox()
        let others = "# kept\nzed:2000:1:$6$x$y\nmalformed line\nalice:1001:1:$6$a$b\nlast:3000:1:$6$c$d"
        try sandbox.write(others, to: sandbox.paths.opasswd)
        let history = PasswordHistory(paths: sandbox.paths, remember: 3)
        let h = try hash("pw")
        try history.record(user: "alice", uid: 1001, oldHash: h)
        #expect(try sandbox.text(sandbox.paths.opasswd)
            == "# kept\nzed:2000:1:$6$x$y\nmalformed line\nalice:1001:2:$6$a$b,\(h)\nlast:3000:1:$6$c$d")
        try history.record(user: "new", uid: 4000, oldHash: h)
        #expect(try sandbox.text(sandbox.paths.opasswd).hasSuffix("last:3000:1:$6$c$d\nnew:4000:1:\(h)\n"))
    }

    @Test func rememberZeroDoesNothing() throws {
        let sandbox = try ShadowSandbox()
        let history = PasswordHistory(paths: sandbox.paths, remember: 0)
        #expect(try !history.record(user: "alice", uid: 1001, oldHash: try hash("pw")))
        #expect(!sandbox.exists(sandbox.paths.opasswd))
        #expect(try !history.contains(user: "alice", password: SecretBytes(copying: "pw")))
    }

    @Test func nonHashesAreNotRecorded() throws {
        let sandbox = try ShadowSandbox()
        let history = PasswordHistory(paths: sandbox.paths, remember: 5)
        for value in ["", "!", "!!", "*", "!$6$locked$x"] {
            #expect(try !history.record(user: "dave", uid: 1004, oldHash: value))
        }
        #expect(!sandbox.exists(sandbox.paths.opasswd))
    }
}
