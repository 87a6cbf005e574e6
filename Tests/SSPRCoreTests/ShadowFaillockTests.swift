// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore

@Suite("Shadow companion: faillock tally and caches")
struct ShadowFaillockTests {
    @Test func removesTheTally() throws {
        let sandbox = try ShadowSandbox()
        let tally = sandbox.paths.faillockDirectory + "/alice"
        try sandbox.write("records", to: tally)
        #expect(try FaillockTally.reset(user: "alice", paths: sandbox.paths) == .removed)
        #expect(!sandbox.exists(tally))
        #expect(try FaillockTally.reset(user: "alice", paths: sandbox.paths) == .absent)
    }

    @Test func neverFollowsASymlink() throws {
        let sandbox = try ShadowSandbox()
        let victim = sandbox.root + "/victim"
        try sandbox.write("keep me", to: victim)
        try FileManager.default.createSymbolicLink(atPath: sandbox.paths.faillockDirectory + "/bob", withDestinationPath: victim)
        #expect(try FaillockTally.reset(user: "bob", paths: sandbox.paths) == .removed)
        #expect(try sandbox.text(victim) == "keep me")
        #expect(!sandbox.exists(sandbox.paths.faillockDirectory + "/bob"))
    }

    @Test func aSymlinkedDirectoryIsRefused() throws {
        let sandbox = try ShadowSandbox()
        let elsewhere = sandbox.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try sandbox.write("x", to: elsewhere + "/alice")
        try FileManager.default.removeItem(atPath: sandbox.paths.faillockDirectory)
        try FileManager.default.createSymbolicLink(atPath: sandbox.paths.faillockDirectory, withDestinationPath: elsewhere)
        #expect(throws: FaillockTally.Failure.notADirectory(path: sandbox.paths.faillockDirectory)) {
            try FaillockTally.reset(user: "alice", paths: sandbox.paths)
        }
        #expect(sandbox.exists(elsewhere + "/alice"))
    }

    @Test(arguments: ["", ".", "..", ".hidden", "../etc/shadow", "a/b"])
    func badNamesAreRefused(name: String) throws {
        let sandbox = try ShadowSandbox()
        #expect(throws: FaillockTally.Failure.invalidUserName) {
            try FaillockTally.reset(user: name, paths: sandbox.paths)
        }
        #expect(sandbox.exists(sandbox.paths.shadow))
    }

    @Test func missingDirectoryIsAbsent() throws {
        let sandbox = try ShadowSandbox()
        try FileManager.default.removeItem(atPath: sandbox.paths.faillockDirectory)
        #expect(try FaillockTally.reset(user: "alice", paths: sandbox.paths) == .absent)
    }

    @Test func cacheInvalidationNeverTouchesTheHostFromASandbox() throws {
        let sandbox = try ShadowSandbox()
        #expect(NameServiceCache.invalidateShadow(paths: sandbox.paths) == .skippedSandbox)
        #expect(NameServiceCache.invalidateShadow(paths: SystemPaths()) == .notNeeded)
    }
}
