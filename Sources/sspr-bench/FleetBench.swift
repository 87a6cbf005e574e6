// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore

/// Figure 6: TOTP verification (`RecoveryEngine.verify`, the store transactions included) with the same
/// enrolled users on both store engines: PostgreSQL over the local unix socket, as a fleet shares it, and the
/// SQLite file, as one machine has it. Each engine: one machine alone (latency and rate), then four machines
/// at once (four processes, four connections; on SQLite four processes on the one file, for comparison).
struct FleetBench {
    /// Users each machine verifies in turn (in the sandbox's passwd and bound, as enrolled users are).
    static let usersPerMachine = 16
    static let machines = 4
    static let warmup = 50

    let stores: FleetStores
    let singleRuns: Int
    let concurrentRuns: Int
    /// The engine clock of the next run: every run starts after the last one's steps, since machines reuse
    /// their users from run to run.
    private var time: Int64

    init(repo: String, users: Int, postgresServer: String?, singleRuns: Int, concurrentRuns: Int) {
        stores = FleetStores(repo: repo, users: users, machineUsers: FleetBench.usersPerMachine * FleetBench.machines,
                             postgresServer: postgresServer)
        self.singleRuns = singleRuns
        self.concurrentRuns = concurrentRuns
        time = stores.time
    }

    mutating func run() -> Table {
        var table = Table("6. Fleet store: TOTP verification with \(stores.users.formatted()) enrolled users, PostgreSQL (local socket) and SQLite — RecoveryEngine.verify, store transaction included", tail: 99)
        var engines = [("SQLite", stores.sqlite, "4 processes, one file")]
        if let postgres = stores.postgres { engines.insert(("PostgreSQL", postgres, "4 machines at once"), at: 0) }
        for (engine, location, together) in engines {
            progress("fleet: \(engine), 1 machine x\(singleRuns)")
            let alone = group(location, machines: 1, runs: singleRuns)
            table.timing("\(engine): one verification, 1 machine", alone.latencies, target: "report")
            table.value("\(engine): verifications/s, 1 machine", rate(alone.perSecond), n: String(alone.latencies.count), target: "report")
            progress("fleet: \(engine), \(FleetBench.machines) machines x\(concurrentRuns) each")
            let four = group(location, machines: FleetBench.machines, runs: concurrentRuns)
            table.value("\(engine): verifications/s, \(together)", rate(four.perSecond), n: "\(FleetBench.machines)x\(concurrentRuns)", target: "report")
            table.timing("\(engine): one verification, \(together)", four.latencies, target: "report")
            for (machines, run) in [(1, alone), (FleetBench.machines, four)] where run.gaveUp > 0 {
                table.note("\(engine), \(machines) machine(s): \(run.gaveUp) of \(run.latencies.count) verifications gave up on a busy store (the engine's timeout)")
            }
        }
        if stores.postgres == nil {
            table.note("PostgreSQL skipped: no server (make bench starts one with Tests/support/pg_cluster.py; or --postgres URI, or SSPR_TEST_POSTGRES)")
        } else {
            table.note("server: \(stores.serverDescription); initdb's defaults, data directory and socket under /tmp like the SQLite file")
        }
        table.note("stores: " + stores.sizes() + "; populated in "
                   + stores.populateSeconds.sorted { $0.key > $1.key }.map { String(format: "%@ %.1f s", $0.key, $0.value) }.joined(separator: ", ")
                   + " (one transaction of set-based INSERTs each)")
        table.note("a machine is a process of its own (sspr-bench \(FleetMachine.subcommand)) with its own engine and connection; \(FleetBench.warmup) verifications of warm-up each, then all start at once")
        table.note("each machine verifies its own \(FleetBench.usersPerMachine) users in turn, its clock a 30 s step later each round; verifications/s = all verifications / (first start .. last end)")
        return table
    }

    private mutating func group(_ location: String, machines: Int, runs: Int) -> MachineGroup {
        let plans = (0..<machines).map { m in
            FleetMachine(root: stores.sandbox.root, store: location, first: 1 + m * FleetBench.usersPerMachine,
                         users: FleetBench.usersPerMachine, warmup: FleetBench.warmup, count: runs, time: time + TOTPMethod.step)
        }
        time = plans.map(\.endTime).max() ?? time
        return MachineGroup(plans)
    }

    private func rate(_ perSecond: Double) -> String { String(format: "%.0f /s", perSecond) }
}
