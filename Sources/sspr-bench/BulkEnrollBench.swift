// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc

/// Figure 5: a lab's class list enrolled at once, `sspr admin enroll --from FILE --output OUT` with the real
/// `sspr` binary (beside this one): 200 users, each an authenticator secret and ten recovery codes, into a
/// fresh store per run. Process start, every account check, 400 store transactions, 2,000 hashed codes
/// (recovery codes are hashed with libcrypt's preferred method) and the 0600 output file are all inside.
func runBulkEnrollBench(repo: String, users count: Int, runs: Int) -> Table {
    let sspr = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sspr").path
    guard FileManager.default.isExecutableFile(atPath: sspr) else { fail("\(sspr) not found: build the sspr product first") }
    let names = (0..<count).map { String(format: "student%03d", $0) }
    var listing = "user,method\n"
    for name in names { listing += "\(name),totp\n\(name),recovery-codes\n" }
    var samples = Samples()
    progress("bulk enrollment of \(count) users x\(runs)")
    for i in 0..<(runs + 1) {
        let box = Sandbox.make(repo: repo, label: "bulk", extraUsers: names, loginDefs: yescryptLoginDefs)
        defer { box.remove() }
        let file = box.root + "/class.csv"
        do { try listing.write(toFile: file, atomically: false, encoding: .utf8) } catch { fail("cannot write \(file)") }
        let elapsed = spawnTimed([sspr, "admin", "enroll", "--from", file, "--output", box.root + "/hand-out.csv",
                                  "--root", box.root], input: "")
        if i > 0 { samples.add(elapsed) }  // the first run warms the page cache
    }
    var table = Table("5. Bulk enrollment (lab scale): sspr admin enroll --from, real binary, fresh store each run")
    table.timing("\(count) users: totp + 10 recovery codes each", samples, target: "-")
    table.value("per user", ms(samples.median / Double(count)), n: String(samples.count), target: "-")
    table.note("what each user must receive goes to a 0600 file; stderr shows sspr's one-line summary per run")
    return table
}
