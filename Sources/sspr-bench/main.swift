// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// sspr-bench: figures for `make bench` (blocks 1, 3, 4, 5 and 6; block 2, the module load cost, is bench/pam_load.sh).
// It prints figures with their targets; it never passes or fails on them. Everything it writes is under
// /tmp/sspr-bench-* (and block 6's database on the PostgreSQL server), removed at the end (unless --keep).
//
//   sspr-bench [--users N] [--shadow-lines N] [--runs-scale F] [--repo DIR] [--only engine,reset,shadow,bulk,fleet] [--keep]
//              [--bulk-users N]   (block 5: sspr admin enroll --from with N users, default 200)
//              [--postgres URI]   (block 6: a server URI whose role may create databases, as
//                                  Tests/support/pg_cluster.py exports it; default $SSPR_TEST_POSTGRES, else SQLite only)
//              [--module-bench "COMMAND ARGS"]   (run after block 1 with the same stdout, so blocks print in order)
//   sspr-bench fleet-machine …   (internal: one machine of block 6, see FleetMachine.swift)
import Foundation
import Glibc

// A machine of block 6 is this program again; it parses its own arguments and exits.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == FleetMachine.subcommand {
    FleetMachine(parsing: Array(CommandLine.arguments.dropFirst(2))).run()
}

var users = 100_000
var shadowLines = 100_000
var scale = 1.0
var repo = FileManager.default.currentDirectoryPath
var only: Set<String> = ["engine", "reset", "shadow", "bulk", "fleet"]
var bulkUsers = 200
var keep = false
var moduleBench: [String] = []
var postgres = ProcessInfo.processInfo.environment["SSPR_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

var args = CommandLine.arguments.dropFirst().makeIterator()
while let arg = args.next() {
    func value() -> String { guard let v = args.next() else { fail("\(arg) needs a value") }; return v }
    switch arg {
    case "--users": users = Int(value()) ?? users
    case "--shadow-lines": shadowLines = Int(value()) ?? shadowLines
    case "--runs-scale": scale = Double(value()) ?? scale
    case "--repo": repo = value()
    case "--only": only = Set(value().split(separator: ",").map(String.init))
    case "--keep": keep = true
    case "--bulk-users": bulkUsers = Int(value()) ?? bulkUsers
    case "--module-bench": moduleBench = value().split(separator: " ").map(String.init)
    case "--postgres": postgres = value()
    default: fail("unknown argument \(arg)")
    }
}
if getuid() != 0 { fail("run as root: the store and the shadow writer insist on root-owned files") }
guard FileManager.default.fileExists(atPath: repo + "/Tests/Fixtures/sandbox-etc/shadow") else {
    fail("run from the repository (or pass --repo): Tests/Fixtures/sandbox-etc not found")
}
@MainActor func runs(_ n: Int) -> Int { max(3, Int(Double(n) * scale)) }

print("sspr-bench — \(SystemClockInfo.describe()); load average at start \(loadAverage())")
print("figures are wall times; median, p90 (p99 where the header says so; nearest rank), min..max; N measured runs after warm-up")

var fixture: EngineFixture? = nil
if only.contains("engine") || only.contains("reset") {
    let fx = EngineFixture(repo: repo, backgroundUsers: users)
    fx.populate()
    fixture = fx
    if only.contains("engine") { runEngineBench(fx, totpRuns: runs(2000), questionRuns: runs(30), codeRuns: runs(200)).print() }
}
if !moduleBench.isEmpty {
    fflush(nil)
    _ = spawnTimed(moduleBench, input: "")
}
if only.contains("reset"), let fx = fixture {
    runResetBench(fx, runs: runs(30)).print()
}
if only.contains("shadow") {
    runShadowBench(repo: repo, lines: shadowLines, runs: runs(15)).print()
}
if only.contains("bulk") {
    runBulkEnrollBench(repo: repo, users: bulkUsers, runs: runs(5)).print()
}
if only.contains("fleet") {
    var fleet = FleetBench(repo: repo, users: users, postgresServer: postgres, singleRuns: runs(2000), concurrentRuns: runs(1000))
    fleet.run().print()
    if keep { progress("kept \(fleet.stores.sandbox.root)" + (fleet.stores.postgres.map { " and \($0)" } ?? "")) } else { fleet.stores.remove() }
}
print("load average at end \(loadAverage())")
if let fx = fixture {
    if keep { progress("kept \(fx.sandbox.root)") } else { fx.sandbox.remove() }
}
