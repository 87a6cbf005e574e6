// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// The `sspr` executable run as a user would run it, against a sandbox root.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

func runSSPR(_ arguments: [String], stdin: String = "", asUser uid: UInt32? = nil, environment: [String: String]? = nil) throws -> CLIResult {
    let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sspr")
    let process = Process()
    if let environment { process.environment = environment }
    if let uid {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", bin.path] + arguments
    } else {
        process.executableURL = bin
        process.arguments = arguments
    }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}

/// A code from oathtool, the independent implementation of RFC 6238.
func oathtool(_ base32: String, at time: Int64) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/oathtool")
    process.arguments = ["--totp", "-b", "--now=@\(time)", base32]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite struct CommandLineTests {
    static let base32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    @Test func enrolTOTPAndVerifyOathtoolCodesWithReplayRefusal() throws {
        let sandbox = try Sandbox()
        let enrol = try runSSPR(["admin", "enroll", "alice", "totp", "--secret", Self.base32, "--root", sandbox.root])
        #expect(enrol.status == 0, "\(enrol.stderr)")
        let now = Int64(Date().timeIntervalSince1970)
        let previous = try oathtool(Self.base32, at: now - 30)
        let current = try oathtool(Self.base32, at: now)
        #expect(previous.count == 6 && current.count == 6 && previous != current)
        let first = try runSSPR(["--root", sandbox.root, "admin", "verify", "alice", "totp"], stdin: previous + "\n")
        #expect(first.status == 0 && first.stdout == "accepted\n", "\(first)")
        let second = try runSSPR(["--root", sandbox.root, "admin", "verify", "alice", "totp"], stdin: current + "\n")
        #expect(second.status == 0 && second.stdout == "accepted\n")
        let replay = try runSSPR(["--root", sandbox.root, "admin", "verify", "alice", "totp"], stdin: current + "\n")
        #expect(replay.status == 1 && replay.stdout == "refused\n", "a code is never accepted twice")
        #expect(replay.stderr.contains("already accepted"), "a code read out twice is refused without counting")
        let stale = try runSSPR(["--root", sandbox.root, "admin", "verify", "alice", "totp"], stdin: try oathtool(Self.base32, at: now - 120) + "\n")
        #expect(stale.status == 1)
        // The audit shows the proofs and holds no code.
        let audit = try runSSPR(["admin", "audit", "--user", "alice", "--json", "--root", sandbox.root])
        #expect(audit.status == 0)
        let events = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]] ?? []
        // enroll, two accepted codes, the stale one; the replay was refused before the engine counted it.
        #expect(events.map { $0["result"] as? String } == ["pass", "pass", "pass", "fail"])
        #expect(!audit.stdout.contains(current) && !audit.stdout.contains(previous) && !audit.stdout.contains(Self.base32))
    }

    @Test func recoveryCodesThroughTheCommandLine() throws {
        let sandbox = try Sandbox()
        let r = try runSSPR(["admin", "enroll", "alice", "recovery-codes", "--root", sandbox.root])
        #expect(r.status == 0)
        let codes = r.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(codes.count == 10)
        let code = try #require(codes.first)
        #expect(try runSSPR(["admin", "verify", "alice", "recovery-code", "--root", sandbox.root], stdin: code).status == 0)
        #expect(try runSSPR(["admin", "verify", "alice", "recovery-code", "--root", sandbox.root], stdin: code).status == 1)
        let report = try runSSPR(["admin", "report", "--json", "--root", sandbox.root])
        let rows = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.first?["recovery_codes_left"] as? Int == 9)
    }

    @Test func fiftyProcessesRedeemingOneCodeExactlyOneWins() throws {
        let sandbox = try Sandbox(policy: "max_failures = 100\n")
        let r = try runSSPR(["admin", "enroll", "alice", "recovery-codes", "--root", sandbox.root])
        let code = try #require(r.stdout.split(separator: "\n").dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) })
        let root = sandbox.root
        let results = concurrently(50) { _ in (try? runSSPR(["admin", "verify", "alice", "recovery-code", "--root", root], stdin: code))?.status ?? -1 }
        #expect(results.filter { $0 == 0 }.count == 1)
        #expect(results.filter { $0 == 1 }.count == 49)
    }

    @Test func questionsFromAFileAndHelpdeskVerification() throws {
        let sandbox = try Sandbox()
        let enrol = try runSSPR(["admin", "enroll", "alice", "questions", "--file", "-", "--root", sandbox.root],
                                stdin: "first-pet: Rex\nfirst-car: Ford Fiesta\nfirst-teacher:  Mrs  Smith \n")
        #expect(enrol.status == 0, "\(enrol.stderr)")
        let ok = try runSSPR(["admin", "verify", "alice", "questions", "--questions", "first-teacher,first-pet,first-car", "--root", sandbox.root],
                             stdin: "mrs smith\nREX\nford fiesta\n")
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stderr.contains("1. What was the surname of your first schoolteacher?"))
        let wrong = try runSSPR(["admin", "verify", "alice", "questions", "--questions", "first-teacher,first-pet,first-car", "--root", sandbox.root],
                                stdin: "mrs smith\nmax\nford fiesta\n")
        #expect(wrong.status == 1)
        let bad = try runSSPR(["admin", "enroll", "alice", "questions", "--file", "-", "--replace", "--root", sandbox.root],
                              stdin: "first-pet: Rex\nfirst-car: rex\nfirst-teacher: Smith\n")
        #expect(bad.status == 1 && bad.stderr.contains("the same as another answer") && !bad.stderr.lowercased().contains("rex"))
    }

    @Test func exitCodes() throws {
        let sandbox = try Sandbox()
        #expect(try runSSPR(["admin", "report", "--root", sandbox.root]).status == 1, "no store yet")
        #expect(try runSSPR(["admin", "enroll", "alice", "carrier-pigeon", "--root", sandbox.root]).status == 2)
        #expect(try runSSPR(["admin", "enroll"]).status == 2)
        #expect(try runSSPR(["admin", "pass", "alice", "--ttl", "soon", "--root", sandbox.root]).status == 2)
        #expect(try runSSPR(["admin", "enroll", "nosuchuser", "recovery-codes", "--root", sandbox.root]).status == 1)
        // Not root: admin commands go through ssprd (none runs here); admin check alone needs root.
        let notRoot = try runSSPR(["admin", "report", "--root", sandbox.root], asUser: 65534)
        #expect(notRoot.status == 4 && notRoot.stderr.contains("cannot reach ssprd"), "\(notRoot)")
        let check = try runSSPR(["admin", "check", "--root", sandbox.root], asUser: 65534)
        #expect(check.status == 3 && check.stderr.contains("needs root"), "\(check)")
        let pass = try runSSPR(["admin", "pass", "alice", "--ttl", "2h", "--root", sandbox.root])
        #expect(pass.status == 0 && pass.stdout.contains("Valid for 2h, single use"))
        #expect(try runSSPR(["--help"]).status == 0)
    }

    @Test func checkReportsBadPolicyLinesAndStoreFaults() throws {
        let sandbox = try Sandbox(policy: "max_failures = 5\nmethods = totp,owl\n")
        _ = try runSSPR(["admin", "enroll", "alice", "recovery-codes", "--root", sandbox.root])
        chmod(sandbox.storePath, 0o644)
        let check = try runSSPR(["admin", "check", "--root", sandbox.root])
        #expect(check.status == 1)
        #expect(check.stdout.contains("problem: \(sandbox.paths.policy):2: methods: unknown method \"owl\""))
        if !Sandbox.usesPostgres {
            #expect(check.stdout.contains("problem: store unavailable: store \(sandbox.storePath) has mode 0644"))
        }
        chmod(sandbox.storePath, 0o600)
        try sandbox.withStore("max_failures = 5\n").write(toFile: sandbox.paths.policy, atomically: false, encoding: .utf8)
        let clean = try runSSPR(["admin", "check", "--root", sandbox.root])
        #expect(clean.status == 0, "\(clean.stdout)")
    }
}
