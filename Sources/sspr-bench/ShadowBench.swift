// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
import SSPRCore
import SSPRSystem

/// Runs `argv` with `input` on stdin (written to a pipe before the spawn: it fits the pipe buffer) and returns
/// the wall time of spawn + wait in milliseconds. Fails the benchmark on a non-zero exit.
func spawnTimed(_ argv: [String], input: String) -> Double {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { fail("pipe failed") }
    let bytes = Array(input.utf8)
    guard write(fds[1], bytes, bytes.count) == bytes.count else { fail("pipe write failed") }
    close(fds[1])
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) }; posix_spawn_file_actions_destroy(&actions) }
    var pid: pid_t = 0
    var status: Int32 = 0
    let start = nowNanoseconds()
    let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    close(fds[0])
    guard rc == 0 else { fail("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let elapsed = Double(nowNanoseconds() - start) / 1e6
    // WIFEXITED && WEXITSTATUS == 0
    if status & 0x7f != 0 || (status >> 8) & 0xff != 0 { fail("\(argv.joined(separator: " ")) failed (status \(status))") }
    return elapsed
}

/// The hash field of `user` in `<root>/etc/shadow`.
func shadowHash(root: String, user: String) -> String {
    guard let text = try? String(contentsOfFile: root + "/etc/shadow", encoding: .utf8) else { fail("cannot read shadow") }
    let prefix = user + ":"
    for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
        return String(line.split(separator: ":", omittingEmptySubsequences: false)[1])
    }
    fail("\(user) not in \(root)/etc/shadow")
}

/// Figure 4: one hash replaced in a 100,000-line shadow file, ours against `chpasswd -e -R`.
func runShadowBench(repo: String, lines: Int, runs: Int) -> Table {
    progress("building a \(lines.formatted())-line sandbox shadow")
    let big = Sandbox.make(repo: repo, label: "shadow100k", loginDefs: yescryptLoginDefs)
    let small = Sandbox.make(repo: repo, label: "shadow-small", loginDefs: yescryptLoginDefs)
    defer { big.remove(); small.remove() }
    var passwd = "", shadow = ""
    passwd.reserveCapacity(lines * 60)
    shadow.reserveCapacity(lines * 100)
    for i in 1...lines {
        let name = String(format: "u%06d", i)
        passwd += "\(name):x:\(100000 + i):100:User \(i):/home/\(name):/bin/bash\n"
        shadow += "\(name):\(placeholderHash):19500:0:99999:7:::\n"
    }
    big.append(passwd, to: "passwd")
    big.append(shadow, to: "shadow")
    var st = stat()
    stat(big.etc + "/shadow", &st)
    let shadowBytes = Int64(st.st_size)

    // Two real hashes to alternate between, so every run really changes the line.
    let hashes: [String]
    do {
        let setting = { () throws(Crypt.Failure) -> String in try Crypt.makeSetting(prefix: nil, cost: 0) }
        hashes = [try Crypt.hash(SecretBytes(copying: "first-password"), setting: try setting()),
                  try Crypt.hash(SecretBytes(copying: "second-password"), setting: try setting())]
    } catch {
        fail("hashing: \(error)")
    }

    let target = String(format: "u%06d", lines)  // the last line: the longest search
    let ours = ShadowWriter(paths: big.paths)
    let oursSmall = ShadowWriter(paths: small.paths)
    var oursBig = Samples(), chpasswdBig = Samples(), oursTiny = Samples(), chpasswdTiny = Samples()
    var currentBig = shadowHash(root: big.root, user: target)
    var currentSmall = shadowHash(root: small.root, user: "alice")
    let today = ShadowDay.today()

    func runOurs(_ writer: ShadowWriter, _ user: String, _ current: inout String, _ new: String) -> Double {
        let expected = current
        let t = timed {
            do { _ = try writer.replaceHash(user: user, expectedCurrentHash: expected, newHash: new, today: today) } catch {
                fail("replaceHash(\(user)): \(error)")
            }
        }
        current = new
        return t
    }
    func runChpasswd(_ box: Sandbox, _ user: String, _ current: inout String, _ new: String) -> Double {
        let t = spawnTimed(["/usr/sbin/chpasswd", "-e", "-R", box.root], input: "\(user):\(new)\n")
        current = shadowHash(root: box.root, user: user)
        if current != new { fail("chpasswd did not set the hash of \(user)") }
        return t
    }

    progress("shadow rewrites: ours and chpasswd, interleaved, x\(runs) each (+2 warm-up)")
    for i in 0..<(runs + 2) {
        // Alternate who goes first, so neither always runs with the other's writeback behind it.
        var pair: [Double] = [0, 0]
        if i % 2 == 0 {
            pair[0] = runOurs(ours, target, &currentBig, hashes[0])
            pair[1] = runChpasswd(big, target, &currentBig, hashes[1])
        } else {
            pair[1] = runChpasswd(big, target, &currentBig, hashes[0])
            pair[0] = runOurs(ours, target, &currentBig, hashes[1])
        }
        if i < 2 { continue }
        oursBig.add(pair[0]); chpasswdBig.add(pair[1])
    }
    // The CPU part of ours alone: read, parse, find, replace, serialise in memory (no locks, no I/O).
    var inMemory = Samples()
    if let data = FileManager.default.contents(atPath: big.etc + "/shadow") {
        let bytes = [UInt8](data)
        for _ in 0..<runs {
            inMemory.add(timed {
                let file = ShadowFile(bytes: bytes)
                guard let (index, _) = file.entry(named: target),
                      let updated = file.replacingHash(atLine: index, newHash: Array(hashes[0].utf8), lastChange: today) else {
                    fail("in-memory replace failed")
                }
                if updated.bytes.count < bytes.count / 2 { fail("in-memory replace lost lines") }
            })
        }
    }
    // Fixed costs on the fixture-sized file, after the big files' writeback has drained.
    sync()
    for i in 0..<(runs + 2) {
        let a = runOurs(oursSmall, "alice", &currentSmall, hashes[i % 2])
        let b = runChpasswd(small, "alice", &currentSmall, hashes[(i + 1) % 2])
        if i < 2 { continue }
        oursTiny.add(a); chpasswdTiny.add(b)
    }

    var table = Table("4. Rewriting a \(lines.formatted())-line shadow file (\(String(format: "%.1f MB", Double(shadowBytes) / 1e6)); last line's hash replaced)")
    table.timing("ours: ShadowWriter.replaceHash (in process)", oursBig, target: "<= chpasswd")
    table.timing("chpasswd -e -R ROOT (fresh process)", chpasswdBig, target: "-")
    table.value("ratio ours / chpasswd (medians)", String(format: "%.2f", oursBig.median / chpasswdBig.median), n: String(runs), target: "<= 1.00")
    table.timing("  ours, CPU only: parse + replace + serialise", inMemory, target: "-")
    table.timing("  baseline, fixture shadow (15 lines): ours", oursTiny, target: "-")
    table.timing("  baseline, fixture shadow (15 lines): chpasswd", chpasswdTiny, target: "-")
    table.note("chpasswd runs as a fresh process (exec, chroot, reads passwd and shadow, 100k-line passwd too); the baseline rows show its fixed cost")
    table.note("both write shadow- and shadow+ and fsync each (20 MB through the disk per run); ours also fsyncs the directory")
    return table
}
