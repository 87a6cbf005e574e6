// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Testing
import SSPRCore

@Suite("Shadow file parsing")
struct ShadowFileTests {
    let today = 20_416  // 2025-11-24

    func fixture() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: ShadowSandbox.fixtureDirectory + "/shadow")))
    }

    @Test func parsingIsLossless() throws {
        let original = try fixture()
        let file = ShadowFile(bytes: original)
        #expect(file.bytes == original)
        #expect(file.lines.count == 16)
        #expect(file.lines.last?.endsWithNewline == false)
        #expect(file.lines.dropLast().allSatisfy { $0.endsWithNewline })
    }

    @Test(arguments: [
        ("root", ShadowAccountState.noPassword), ("daemon", .noPassword),
        ("alice", .active), ("bob", .active), ("carol", .adminLocked), ("dave", .noPassword),
        ("erin", .noPassword), ("frank", .noPassword), ("gina", .passwordExpired), ("hank", .accountExpired),
        ("ivan", .active), ("judy", .active),
    ])
    func everySandboxAccountIsClassified(user: String, expected: ShadowAccountState) throws {
        let file = ShadowFile(bytes: try fixture())
        let found = try #require(file.entry(named: user))
        #expect(found.entry.state(today: today) == expected)
        #expect(found.entry.state(today: today).allowsReset == (expected == .active || expected == .passwordExpired))
    }

    @Test func helpersSayWhy() throws {
        let file = ShadowFile(bytes: try fixture())
        let carol = try #require(file.entry(named: "carol")).entry
        #expect(carol.isAdminLocked && !carol.hasNoPassword)
        let dave = try #require(file.entry(named: "dave")).entry
        #expect(dave.hasNoPassword && !dave.isAdminLocked)
        let frank = try #require(file.entry(named: "frank")).entry
        #expect(frank.hasNoPassword && frank.hashBytes.isEmpty)
        let gina = try #require(file.entry(named: "gina")).entry
        #expect(gina.lastChange == 0 && gina.isPasswordExpired(today: today))
        let hank = try #require(file.entry(named: "hank")).entry
        #expect(hank.expiration == 19_000 && hank.isAccountExpired(today: today))
        #expect(!hank.isAccountExpired(today: 18_999))
        let alice = try #require(file.entry(named: "alice")).entry
        #expect(!alice.isPasswordExpired(today: today))
        #expect(alice.isPasswordExpired(today: 19_500 + 99_999 + 1))
    }

    @Test func entryFields() throws {
        let file = ShadowFile(bytes: try fixture())
        let ivan = try #require(file.entry(named: "ivan"))
        #expect(ivan.entry.hash == FixtureLines.yescrypt)
        #expect(ivan.entry.lastChange == 19_500)
        #expect(ivan.entry.minimumAge == 0)
        #expect(ivan.entry.maximumAge == 99_999)
        #expect(ivan.entry.warningPeriod == 7)
        #expect(ivan.entry.inactivityPeriod == nil)
        #expect(ivan.entry.expiration == nil)
        #expect(ivan.entry.reserved == [])
        #expect(ivan.entry.extraFields == [Array("extra".utf8), Array("fields".utf8)])
        #expect(ivan.entry.fieldCount == 11)
        #expect(!ivan.entry.hasMalformedNumbers)
        let judy = try #require(file.entry(named: "judy"))
        #expect(judy.index == 15)
        #expect(judy.entry.extraFields.isEmpty)
    }

    @Test func commentsNISAndMalformedLinesAreNotAccounts() throws {
        let file = ShadowFile(bytes: try fixture())
        #expect(file.entry(named: "+") == nil)
        #expect(file.entry(named: "+@netgroup") == nil)
        #expect(file.entry(named: "# local accounts below; keep this comment") == nil)
        #expect(file.entry(named: "this line is malformed and must survive byte for byte") == nil)
        #expect(file.entry(named: "nobody") == nil)
    }

    @Test func malformedNumbersAreFlagged() throws {
        let file = ShadowFile(bytes: Array("x:$6$a$b:12a:0:-1:7:::\n".utf8))
        let entry = try #require(file.entry(named: "x")).entry
        #expect(entry.hasMalformedNumbers)
        #expect(entry.lastChange == nil)
        #expect(entry.maximumAge == -1)
        #expect(!entry.isPasswordExpired(today: 99_999))
    }

    @Test func replacingKeepsEveryOtherByte() throws {
        let original = try fixture()
        let file = ShadowFile(bytes: original)
        let ivan = try #require(file.entry(named: "ivan"))
        let updated = try #require(file.replacingHash(atLine: ivan.index, newHash: Array("$6$new$hash".utf8), lastChange: 20_000))
        let expected = String(decoding: original, as: UTF8.self).replacingOccurrences(
            of: FixtureLines.ivan, with: "ivan:$6$new$hash:20000:0:99999:7::::extra:fields\n")
        #expect(updated.bytes == Array(expected.utf8))
        #expect(file.replacingHash(atLine: 2, newHash: [65], lastChange: 1) == nil)   // the comment
        #expect(file.replacingHash(atLine: 99, newHash: [65], lastChange: 1) == nil)
    }
}
