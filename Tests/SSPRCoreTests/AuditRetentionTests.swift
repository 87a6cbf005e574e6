import Foundation
import Testing
import SSPRCore
import SSPRSystem

/// `audit_days` keeps the audit log bounded: 1,500 declined offers for names that are not accounts (the
/// issue's 0.7 MB) are gone once they are older than audit_days, and everything newer stays.
@Suite("Audit retention (audit_days)")
struct AuditRetentionTests {
    let context = AuditContext(service: "login", tty: "tty1")

    /// A sandbox (kept alive by the caller), a hand-moved clock, and an engine with `policy` on both.
    func setUp(_ policy: String) throws -> (Sandbox, TestClock, RecoveryEngine) {
        let sandbox = try Sandbox()
        let clock = TestClock()
        return (sandbox, clock, try sandbox.engine(policy, clock: clock.closure))
    }

    func record(_ engine: RecoveryEngine, _ prefix: String, _ count: Int) throws {
        for i in 0..<count {
            try engine.audit.record(.offer, user: "\(prefix)-\(i)", result: "declined", context: context, at: engine.now)
        }
    }

    func count(_ engine: RecoveryEngine, _ prefix: String) throws -> Int {
        try engine.audit.records(user: nil, since: nil, limit: 100_000).filter { $0.user.hasPrefix(prefix + "-") }.count
    }

    @Test func junkOlderThanAuditDaysIsPrunedAndNewerRowsStay() throws {
        let (sandbox, clock, engine) = try setUp("")   // audit_days = 400, the default
        #expect(engine.policy.auditDays == 400)
        try record(engine, "junk", 1_500)
        #expect(try count(engine, "junk") == 1_500, "nothing is old yet: the writes pruned nothing")
        clock.advance(2 * 86_400)
        try record(engine, "recent", 10)
        clock.advance(399 * 86_400)   // the junk is now 401 days old, the recent rows 399
        try record(engine, "later", Int(AuditLog.pruneInterval))

        #expect(try count(engine, "junk") == 0)
        #expect(try count(engine, "recent") == 10)
        #expect(try count(engine, "later") == Int(AuditLog.pruneInterval))
        // A new process (a new engine on the same store) sees the same: the rows are gone from the file.
        let reopened = try RecoveryEngine.open(paths: sandbox.paths, policy: engine.policy, create: false)
        #expect(try reopened.audit.records(user: nil, since: nil).count == 10 + Int(AuditLog.pruneInterval))
    }

    @Test func aBacklogIsWorkedOffABatchAtATime() throws {
        let (sandbox, clock, engine) = try setUp("audit_days = 1\n")
        try record(engine, "old", 1_500)
        clock.advance(2 * 86_400)
        #expect(try engine.audit.prune(now: clock.now, limit: 1_000) == 1_000)
        #expect(try count(engine, "old") == 500)
        #expect(try engine.audit.prune(now: clock.now) == 500)
        #expect(try engine.audit.prune(now: clock.now) == 0)
        withExtendedLifetime(sandbox) {}
    }

    @Test func zeroKeepsEverything() throws {
        let (sandbox, clock, engine) = try setUp("audit_days = 0\n")
        try record(engine, "kept", 100)
        clock.advance(4_000 * 86_400)
        try record(engine, "more", 2 * Int(AuditLog.pruneInterval))
        #expect(try engine.audit.prune(now: clock.now) == 0)
        #expect(try count(engine, "kept") == 100)
        withExtendedLifetime(sandbox) {}
    }

    @Test func policyRange() {
        #expect(PolicyLoader.parse("audit_days = 3650\n", source: "t").policy.auditDays == 3_650)
        #expect(PolicyLoader.parse("audit_days = 0\n", source: "t").policy.auditDays == 0)
        for bad in ["3651", "-1", "a year"] {
            let result = PolicyLoader.parse("audit_days = \(bad)\n", source: "t")
            #expect(result.problems.count == 1 && result.policy.auditDays == 400, "\(bad)")
        }
    }
}
