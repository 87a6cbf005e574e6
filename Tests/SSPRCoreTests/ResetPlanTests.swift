// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

@Suite struct ResetPlanTests {
    func enrol(_ engine: RecoveryEngine, _ user: String, _ methods: [MethodKind], sandbox: Sandbox) throws {
        for m in methods {
            switch m {
            case .totp: try engine.enrollTOTP(user: user, secret: TOTPMethod.newSecret(), context: .commandLine)
            case .recoveryCode: _ = try engine.generateRecoveryCodes(user: user, context: .commandLine)
            case .questions: try sandbox.enrolQuestions(engine, user)
            case .tap: _ = try engine.issuePass(user: user, lifetime: 600, reusable: false, context: .commandLine)
            case .email, .sms: break
            }
        }
    }

    @Test func oneGateForUsers() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        #expect(notAvailableReason { try engine.plan(for: "alice") } == "not enough methods registered")
        try enrol(engine, "alice", [.questions], sandbox: sandbox)
        let plan = try engine.plan(for: "alice")
        #expect(plan.gates == 1 && plan.methods == [.questions])
        #expect(plan.isSatisfied(by: [.questions]))
    }

    @Test func adminsNeedTwoDifferentMethodsAndNoQuestions() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try enrol(engine, "bob", [.questions, .totp], sandbox: sandbox)
        #expect(notAvailableReason { try engine.plan(for: "bob") } == "not enough methods registered", "questions do not count for admins")
        try enrol(engine, "bob", [.recoveryCode], sandbox: sandbox)
        let plan = try engine.plan(for: "bob")
        #expect(plan.gates == 2 && plan.methods == [.totp, .recoveryCode])
        #expect(plan.choices(after: [.totp]) == [.recoveryCode])
        #expect(!plan.isSatisfied(by: [.totp]) && !plan.isSatisfied(by: [.totp, .totp]) && plan.isSatisfied(by: [.totp, .recoveryCode]))
    }

    @Test func passSatisfiesEveryGate() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try enrol(engine, "bob", [.tap], sandbox: sandbox)
        let plan = try engine.plan(for: "bob")
        #expect(plan.gates == 2 && plan.isSatisfied(by: [.tap]))
    }

    @Test func methodsRequiredTwoAndPolicyFilters() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("methods_required = 2\nmethods = totp,questions,tap\n")
        try enrol(engine, "alice", [.totp, .recoveryCode], sandbox: sandbox)
        #expect(notAvailableReason { try engine.plan(for: "alice") } == "not enough methods registered", "recovery codes are not allowed")
        try enrol(engine, "alice", [.questions], sandbox: sandbox)
        #expect(try engine.plan(for: "alice").methods == [.totp, .questions])
    }

    @Test func enabledNoneAndGroup() throws {
        let sandbox = try Sandbox()
        let none = try sandbox.engine("enabled = none\n")
        try enrol(none, "alice", [.totp], sandbox: sandbox)
        #expect(notAvailableReason { try none.plan(for: "alice") }?.contains("does not enable") == true)
        let group = try sandbox.engine("enabled = group:sudo\n")
        #expect(notAvailableReason { try group.plan(for: "alice") }?.contains("does not enable") == true)
        let sudo = try sandbox.engine("enabled = group:alice\n")
        #expect(try sudo.plan(for: "alice").gates == 1, "alice's primary group")
        #expect(notAvailableReason { try none.plan(for: "nosuchuser") } == "no such account")
    }
}
