// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// Root is the first admin (SPEC 3): never reset unless `allow_root = yes`, and then only through the admin
/// gates (two different methods, no questions).
@Suite struct RootPolicyTests {
    @Test func rootIsNeverResetByDefault() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        #expect(!engine.policy.allowRoot)
        try engine.enrollTOTP(user: "root", secret: TOTPMethod.newSecret(), context: .commandLine)
        _ = try engine.generateRecoveryCodes(user: "root", context: .commandLine)
        #expect(notAvailableReason { try engine.plan(for: "root") }?.contains("allow_root") == true)
    }

    @Test func rootWithThreeQuestionsIsRefusedEvenWhenAllowed() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("allow_root = yes\nadmin_groups = wheel\n")
        try sandbox.enrolQuestions(engine, "root")
        #expect(notAvailableReason { try engine.plan(for: "root") } == "not enough methods registered",
                "root is in no admin group here, and still questions do not count")
        try engine.enrollTOTP(user: "root", secret: TOTPMethod.newSecret(), context: .commandLine)
        #expect(notAvailableReason { try engine.plan(for: "root") } == "not enough methods registered", "one method is not two gates")
        _ = try engine.generateRecoveryCodes(user: "root", context: .commandLine)
        let plan = try engine.plan(for: "root")
        #expect(plan.gates == 2 && plan.methods == [.totp, .recoveryCode])
        let report = try engine.report(user: "root")
        #expect(report.isAdmin && report.meetsPolicy)
    }

    @Test func theAdminGatesCountUidZeroWhateverItsName() throws {
        let sandbox = try Sandbox()
        let passwd = sandbox.root + "/etc/passwd"
        try (String(contentsOfFile: passwd, encoding: .utf8) + "toor:x:0:0:another name for root:/root:/bin/sh\n")
            .write(toFile: passwd, atomically: false, encoding: .utf8)
        let engine = try sandbox.engine("admin_groups = wheel\nallow_root = yes\n")
        #expect(engine.isAdmin(try #require(engine.accounts.account(named: "toor"))))
        #expect(!engine.isAdmin(try #require(engine.accounts.account(named: "bob"))), "bob is in sudo, not wheel")
        try sandbox.enrolQuestions(engine, "toor")
        _ = try engine.generateRecoveryCodes(user: "toor", context: .commandLine)
        #expect(notAvailableReason { try engine.plan(for: "toor") } == "not enough methods registered")
    }
}
