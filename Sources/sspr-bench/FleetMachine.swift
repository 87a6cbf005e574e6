// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
import SSPRCore
import SSPRSystem

/// One machine of figure 6: `sspr-bench fleet-machine …`, the benchmark re-executing itself. A process of its
/// own, so it has its own engine, store connection and memory, as a machine of the fleet has; threads in one
/// process would share an allocator and a runtime that separate machines do not.
///
/// Protocol on its stdin/stdout, so the parent can start every machine's measured run at once: the machine
/// opens the store and warms up, writes `ready`, waits for a line on stdin, runs `count` verifications, then
/// writes the CLOCK_MONOTONIC start and end of the run (the clock is the same for every process on the host),
/// how many verifications gave up, and each verification's time in milliseconds.
struct FleetMachine {
    static let subcommand = "fleet-machine"

    /// The sandbox root (its passwd lists the users) and the store as a policy names it.
    let root: String
    let store: String
    /// This machine verifies users first..<first + users only: no two machines share a user, so no
    /// verification waits on another machine's use of the same time step.
    let first: Int
    let users: Int
    let warmup: Int
    let count: Int
    /// The engine's clock at the first verification; it moves one TOTP step each time the machine has been
    /// through its users, so every code is for a step later than that user's last.
    let time: Int64

    var arguments: [String] {
        [FleetMachine.subcommand, root, store, String(first), String(users), String(warmup), String(count), String(time)]
    }

    init(root: String, store: String, first: Int, users: Int, warmup: Int, count: Int, time: Int64) {
        (self.root, self.store, self.first, self.users) = (root, store, first, users)
        (self.warmup, self.count, self.time) = (warmup, count, time)
    }

    /// Parses what `arguments` wrote (after the subcommand).
    init(parsing a: [String]) {
        guard a.count == 7, let first = Int(a[2]), let users = Int(a[3]), users > 0, let warmup = Int(a[4]),
              let count = Int(a[5]), let time = Int64(a[6]) else {
            fail("usage: sspr-bench \(FleetMachine.subcommand) ROOT STORE FIRST USERS WARMUP COUNT TIME")
        }
        self.init(root: a[0], store: a[1], first: first, users: users, warmup: warmup, count: count, time: time)
    }

    /// The machine's clock time after all its verifications: the next run on the same users starts later.
    var endTime: Int64 { time + TOTPMethod.step * Int64((warmup + count) / users + 1) }

    func run() -> Never {
        var policy = Policy()
        policy.store = store
        let clock = BenchClock(time)
        let engine: RecoveryEngine
        do {
            engine = try RecoveryEngine.open(paths: SystemPaths(root: root), policy: policy, create: false, clock: { clock.time })
        } catch {
            fail("machine \(first): cannot open the store: \(error)")
        }
        let context = AuditContext(service: "login", tty: "tty1", rhost: "", actor: "")
        var gaveUp = 0
        for k in 0..<warmup { _ = verify(k, engine, clock, context, gaveUp: &gaveUp) }
        gaveUp = 0
        reply("ready\n")
        guard readLine() != nil else { fail("machine \(first): no start signal") }
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let start = nowNanoseconds()
        for k in warmup..<(warmup + count) { latencies.append(verify(k, engine, clock, context, gaveUp: &gaveUp)) }
        let end = nowNanoseconds()
        reply("\(start) \(end) \(gaveUp)\n" + latencies.map { String(format: "%.6f", $0) }.joined(separator: " ") + "\n")
        exit(0)
    }

    /// Verification `k`: user first + k mod users at step k / users after `time`; the code is computed
    /// before the clock starts, as the user's authenticator would have. A store that stays busy beyond the
    /// engine's timeout (SQLite's writers queue on the file lock) is what a login would meet too: counted in
    /// `gaveUp` and reported, not fatal. Anything else but acceptance ends the benchmark.
    private func verify(_ k: Int, _ engine: RecoveryEngine, _ clock: BenchClock, _ context: AuditContext,
                        gaveUp: inout Int) -> Double {
        let i = first + k % users
        let user = BackgroundUsers.name(i)
        clock.time = time + TOTPMethod.step * Int64(k / users)
        guard let code = OATH.totp(secret: BackgroundUsers.secret(i), time: clock.time) else { fail("liboath gave no code") }
        let proof = Proof.code(SecretBytes(copying: code))
        var outcome: ProofOutcome? = nil
        var failure: SSPRError? = nil
        let t = timed {
            do throws(SSPRError) { outcome = try engine.verify(user: user, method: .totp, proof: proof, context: context) } catch { failure = error }
        }
        if case .storeFailure = failure {
            gaveUp += 1
            return t
        }
        if outcome != .accepted { fail("machine \(first): TOTP verification of \(user) was \(outcome.map { "\($0)" } ?? failure.map { "\($0)" } ?? "?"), not accepted") }
        return t
    }

    private func reply(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
