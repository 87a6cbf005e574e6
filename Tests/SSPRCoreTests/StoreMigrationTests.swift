// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
@testable import SSPRCore
import SSPRSystem
import Testing

/// `sspr admin store migrate`: a machine's SQLite store copied into the sandbox's store (the fleet's
/// PostgreSQL database when the suite runs on PostgreSQL, another SQLite file otherwise).
@Suite struct StoreMigrationTests {
    static let seed = SecretBytes(copying: "12345678901234567890")

    /// The machine's own store, beside the sandbox's.
    private func machine(_ sandbox: Sandbox) throws -> RecoveryEngine {
        let store = try Store(path: sandbox.root + "/var/lib/sspr-local/sspr.db", create: true)
        return RecoveryEngine(paths: sandbox.paths, policy: sandbox.policy(), store: store)
    }

    private func migrate(_ local: RecoveryEngine, _ fleet: RecoveryEngine, force: Bool = false, dryRun: Bool = false) throws -> StoreMigration.Result {
        try StoreMigration(from: local.store, to: fleet.store, host: "lab-07").run(force: force, dryRun: dryRun)
    }

    @Test func usersCodesLockoutsAndAuditMoveOnceAndWorkOnTheFleetStore() throws {
        let sandbox = try Sandbox()
        let local = try machine(sandbox)
        let codes = try local.generateRecoveryCodes(user: "alice", context: .commandLine)
        _ = try local.recoveryCodes.redeem(user: "alice", typed: codes[9], now: local.now)
        try local.enrollTOTP(user: "bob", secret: Self.seed, context: .commandLine)
        _ = try local.store.transaction { () throws(SSPRError) in try local.failures.lockOut("bob", now: local.now) }
        let fleet = try sandbox.engine()

        let dry = try migrate(local, fleet, dryRun: true)
        #expect(dry.copied == ["alice", "bob"] && !dry.written)
        #expect(try fleet.reportAll().isEmpty, "a dry run writes nothing")

        let first = try migrate(local, fleet)
        #expect(first.copied == ["alice", "bob"] && first.conflicts.isEmpty && first.written && first.lockouts == 1)
        #expect(first.auditRecords == (try local.audit.records(user: nil, since: nil).count))
        #expect(try fleet.recoveryCodes.remaining(user: "alice") == 9, "spent codes stay spent")
        #expect(try fleet.recoveryCodes.redeem(user: "alice", typed: codes[0], now: fleet.now), "the hashes moved intact")
        #expect(try !fleet.recoveryCodes.redeem(user: "alice", typed: codes[9], now: fleet.now))
        let step = fleet.now / 30
        #expect(try fleet.totp.verify(user: "bob", code: SecretBytes(copying: OATH.totp(secret: Self.seed, time: step * 30) ?? ""), now: step * 30))
        #expect(try fleet.failures.lockedUntil("bob", now: fleet.now) != nil, "a lockout is no way out of a lockout")
        #expect(try fleet.bindings.all().map(\.user) == ["alice", "bob"])

        // A second run: same registrations, nothing duplicated.
        let auditCount = try fleet.audit.records(user: nil, since: nil).count
        let second = try migrate(local, fleet)
        #expect(second.copied.isEmpty && second.unchanged == ["alice", "bob"] && second.auditRecords == 0 && second.written)
        #expect(try fleet.audit.records(user: nil, since: nil).count == auditCount)
        #expect(try fleet.recoveryCodes.remaining(user: "alice") == 8)
    }

    @Test func aDifferentRegistrationIsAConflictThatWritesNothingWithoutForce() throws {
        let sandbox = try Sandbox()
        let local = try machine(sandbox)
        let localCodes = try local.generateRecoveryCodes(user: "alice", context: .commandLine)
        _ = try local.generateRecoveryCodes(user: "bob", context: .commandLine)
        let fleet = try sandbox.engine()
        let fleetCodes = try fleet.generateRecoveryCodes(user: "alice", context: .commandLine)

        let refused = try migrate(local, fleet)
        #expect(refused.conflicts == ["alice"] && !refused.written)
        #expect(try fleet.reportAll().map(\.user) == ["alice"], "bob was not copied either")
        #expect(try fleet.recoveryCodes.redeem(user: "alice", typed: fleetCodes[0], now: fleet.now), "the fleet's alice kept")

        let forced = try migrate(local, fleet, force: true)
        #expect(forced.replaced == ["alice"] && forced.copied == ["bob"] && forced.written)
        #expect(try !fleet.recoveryCodes.redeem(user: "alice", typed: fleetCodes[1], now: fleet.now))
        #expect(try fleet.recoveryCodes.redeem(user: "alice", typed: localCodes[1], now: fleet.now), "this machine's alice won")
    }

    @Test func badDestinationsAreRefusedAndTheSourceIsUntouched() throws {
        let sandbox = try Sandbox(policy: "store = /var/lib/sspr/sspr.db\n")
        #expect(try runSSPR(["admin", "enroll", "alice", "recovery-codes", "--root", sandbox.root]).status == 0)
        let before = sandbox.fileBytes(sandbox.storePath)
        func migrate(_ arguments: [String]) throws -> CLIResult {
            try runSSPR(["admin", "store", "migrate"] + arguments + ["--root", sandbox.root])
        }
        let same = try migrate(["--to", "/var/lib/sspr/sspr.db"])
        #expect(same.status == 2 && same.stderr.contains("--to names the store being copied"), "\(same)")
        let fromURI = try migrate(["--to", "/var/lib/sspr/other.db", "--from", "postgresql:///sspr"])
        #expect(fromURI.status == 2 && fromURI.stderr.contains("--from must name a SQLite store"), "\(fromURI)")
        let malformed = try migrate(["--to", "postgresql://[::1/sspr"])
        #expect(malformed.status == 1 && malformed.stderr.contains("store URI cannot be parsed"), "\(malformed)")
        let secret = try migrate(["--to", "postgresql:///sspr?host=/nonexistent&password=hunter2-secret"])
        #expect(secret.status == 1 && secret.stderr.contains("must not hold a password") && !secret.stderr.contains("hunter2"), "\(secret)")
        let unreachable = try migrate(["--to", "postgresql:///sspr?host=/nonexistent-socket-dir"])
        #expect(unreachable.status == 1 && unreachable.stderr.contains("not reachable"), "\(unreachable)")
        #expect(sandbox.fileBytes(sandbox.storePath) == before, "the machine's store is byte-identical")
    }
}
