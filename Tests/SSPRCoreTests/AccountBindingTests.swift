// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// Registrations belong to the account (uid) they were made for, not to its name (SPEC 7).
@Suite struct AccountBindingTests {
    /// Replaces alice's passwd line: the same name, another account.
    func recreateAlice(_ sandbox: Sandbox, uid: Int = 1011) throws {
        let path = sandbox.root + "/etc/passwd"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "alice:x:1001:1001:", with: "alice:x:\(uid):1001:")
            .write(toFile: path, atomically: false, encoding: .utf8)
    }

    func deleteAlice(_ sandbox: Sandbox) throws {
        let path = sandbox.root + "/etc/passwd"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.split(separator: "\n").filter { !$0.hasPrefix("alice:") }.joined(separator: "\n")
            .write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func aRecreatedAliceIsNotResetByTheOldAlicesRecoveryCode() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        let codes = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        #expect(try engine.bindings.state("alice", account: engine.accounts.account(named: "alice")) == .matches)
        #expect(try engine.plan(for: "alice").methods == [.recoveryCode])

        try recreateAlice(sandbox)
        let reason = notAvailableReason { try engine.plan(for: "alice") }
        #expect(reason?.contains("uid 1001") == true && reason?.contains("uid 1011") == true, "\(reason ?? "planned")")
        #expect(notAvailableReason {
            try engine.verify(user: "alice", method: .recoveryCode, proof: .code(codes[0]), context: .commandLine)
        } != nil, "the old code is not even checked")
        #expect(notAvailableReason {
            try engine.verifyUnspent(user: "alice", method: .recoveryCode, proof: .code(codes[0]), context: .commandLine)
        } != nil, "nor claimed for a reset")
        #expect(try engine.recoveryCodes.remaining(user: "alice") == 10, "nor spent")
        #expect(try engine.failures.failures("alice", now: engine.now) == 0, "and the refusal is no failed proof")

        // Registering for the new alice is refused too, until an admin removes the old registrations.
        #expect(notAvailableReason { try engine.generateRecoveryCodes(user: "alice", context: .commandLine) } != nil)
        #expect(notAvailableReason { try engine.confirm(user: "alice", context: .commandLine) } != nil)
        let mismatches = try engine.audit.records(user: "alice", since: nil).filter { $0.event == "account_mismatch" }
        #expect(mismatches.count == 5 && mismatches.allSatisfy { $0.result == "refused" })

        // The report flags it, and the check's list names it.
        let report = try engine.report(user: "alice")
        #expect(report.account == .changed(registered: 1001, current: 1011) && report.account.isMismatch)
        #expect(try engine.mismatchedRegistrations().map(\.user) == ["alice"])

        try engine.remove(user: "alice", method: nil, context: .commandLine)
        #expect(try engine.bindings.state("alice", account: engine.accounts.account(named: "alice")) == .unbound)
        _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        #expect(try engine.report(user: "alice").account == .matches, "the new alice starts afresh")
        #expect(try engine.plan(for: "alice").methods == [.recoveryCode])
    }

    @Test func aDeletedAccountsRegistrationsAreGoneAndAFreshNameIsBoundAfresh() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        try engine.enrollTOTP(user: "alice", secret: TOTPMethod.newSecret(), context: .commandLine)
        try deleteAlice(sandbox)
        #expect(try engine.report(user: "alice").account == .gone(registered: 1001))
        #expect(try engine.mismatchedRegistrations().map(\.user) == ["alice"])
        // A name whose only registration was removed holds no binding: a later account of it is not blocked.
        try engine.remove(user: "alice", method: .totp, context: .commandLine)
        #expect(try engine.bindings.all().isEmpty)
        #expect(try engine.mismatchedRegistrations().isEmpty)
    }

    @Test func everyKindOfRegistrationBinds() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine()
        _ = try engine.issuePass(user: "alice", lifetime: 600, reusable: false, context: .commandLine)
        try sandbox.enrolQuestions(engine, "bob")
        #expect(try engine.bindings.all().map { "\($0.user)=\($0.uid.map(String.init) ?? "-")" } == ["alice=1001", "bob=1002"])
    }

    @Test func registrationsFromBeforeBindingAreBoundWhenTheUpgradedStoreIsOpened() throws {
        let sandbox = try Sandbox()
        do {
            let engine = try sandbox.engine()
            _ = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        }
        // Make the store what schema 1 left: no binding table, no outbox, no audit host, version 1.
        let db = try sandbox.database()
        try db.execute("DROP TABLE accounts; DROP TABLE password_failures; DROP TABLE outbox; DROP TABLE code_requests; ALTER TABLE audit DROP COLUMN host; ALTER TABLE failures DROP COLUMN pending; ALTER TABLE methods DROP COLUMN set_by")
        try db.execute(db.postgres ? "DELETE FROM sspr_schema WHERE version > 1" : "PRAGMA user_version = 1")
        let engine = try sandbox.engine()
        #expect(try engine.bindings.all().map { "\($0.user)=\($0.uid.map(String.init) ?? "-")" } == ["alice=1001"])
        #expect(try engine.audit.records(user: "alice", since: nil).last?.event == "bind")
        #expect(try engine.store.schemaVersion() == 6)
    }
}
