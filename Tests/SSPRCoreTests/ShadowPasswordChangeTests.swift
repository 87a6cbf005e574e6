// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore
import SSPRSystem

@Suite("Shadow password change, end to end")
struct ShadowPasswordChangeTests {
    let today = 20_416

    @Test func appliesEveryStep() throws {
        let sandbox = try ShadowSandbox()
        try sandbox.write("ENCRYPT_METHOD SHA512\n", to: sandbox.paths.loginDefs)
        try sandbox.write("tally", to: sandbox.paths.faillockDirectory + "/alice")
        let password = SecretBytes(copying: "a brand new passphrase")
        let outcome = try ShadowPasswordChange(paths: sandbox.paths, remember: 5)
            .apply(user: "alice", uid: 1001, expectedCurrentHash: FixtureLines.yescrypt, newPassword: password, today: today)

        let alice = try #require(ShadowFile(bytes: try sandbox.bytes(sandbox.paths.shadow)).entry(named: "alice")).entry
        #expect(alice.hash.hasPrefix("$6$"))
        #expect(Crypt.verify(password, against: alice.hash))
        #expect(alice.lastChange == today)
        #expect(outcome.update.previousHash == FixtureLines.yescrypt)
        #expect(outcome.cache == .skippedSandbox)
        #expect(outcome.historyFailure == nil)
        #expect(outcome.faillock == .success(.removed))
        #expect(try sandbox.text(sandbox.paths.opasswd) == "alice:1001:1:\(FixtureLines.yescrypt)\n")
        #expect(!sandbox.exists(sandbox.paths.faillockDirectory + "/alice"))
    }

    @Test func aRefusedWriteDoesNoFollowUps() throws {
        let sandbox = try ShadowSandbox()
        let before = try sandbox.bytes(sandbox.paths.shadow)
        try sandbox.write("tally", to: sandbox.paths.faillockDirectory + "/carol")
        #expect(throws: ShadowUpdateError.adminLocked(user: "carol", path: sandbox.paths.shadow)) {
            try ShadowPasswordChange(paths: sandbox.paths, remember: 5)
                .apply(user: "carol", uid: 1003, expectedCurrentHash: FixtureLines.carolHash,
                       newPassword: SecretBytes(copying: "whatever it is"), today: today)
        }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
        #expect(!sandbox.exists(sandbox.paths.opasswd))
        #expect(sandbox.exists(sandbox.paths.faillockDirectory + "/carol"))
    }

    @Test func errorDescriptionsNameNoHash() throws {
        let sandbox = try ShadowSandbox()
        do {
            _ = try ShadowWriter(paths: sandbox.paths)
                .replaceHash(user: "alice", expectedCurrentHash: "$6$secret$hash", newHash: "$6$new$hash", today: today)
            Issue.record("expected entryChanged")
        } catch {
            let text = error.description
            #expect(text.contains("alice") && text.contains(sandbox.paths.shadow))
            #expect(!text.contains("$6$") && !text.contains("$y$"))
        }
    }
}
