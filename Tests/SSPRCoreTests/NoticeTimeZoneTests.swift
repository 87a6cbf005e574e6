import Foundation
import Testing
import SSPRCore
import SSPRSystem

/// Notices give the time in the machine's zone (/etc/localtime under the root), never in the zone of the
/// caller's `TZ`: the process that sends a notice may have been started by anyone.
@Suite("Notice times use the system time zone")
struct NoticeTimeZoneTests {
    static let zoneinfo = "/usr/share/zoneinfo"

    func zone(_ name: String) throws -> SystemTimeZone {
        try #require(SystemTimeZone(tzif: Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.zoneinfo)/\(name)")))))
    }

    /// glibc's reading of the same zone file, as "minute-text abbreviation" per instant: the independent oracle.
    func glibcTimes(_ name: String, _ instants: [Int64]) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import os, sys, time
            os.environ['TZ'] = ':' + sys.argv[1]
            time.tzset()
            for line in sys.stdin:
                print(time.strftime('%Y-%m-%d %H:%M %Z', time.localtime(int(line))))
            """, "\(Self.zoneinfo)/\(name)"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(instants.map { "\($0)\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham",
                      "Europe/Dublin", "America/Sao_Paulo", "Asia/Tokyo", "Etc/UTC", "America/St_Johns"])
    func agreesWithGlibc(name: String) throws {
        let zone = try zone(name)
        // Every 5 days and 7 hours from 1970 to 2099: across transitions and past the file's last one (footer rule).
        let instants = Array(stride(from: Int64(0), to: 4_102_444_800, by: 5 * 86_400 + 7 * 3_600))
        let expected = try glibcTimes(name, instants)
        #expect(expected.count == instants.count)
        let mismatches = zip(instants, expected).filter { zone.format($0) != $1 }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).map { "\($0): ours \(zone.format($0)), glibc \($1)" })")
    }

    @Test func transitionsAreExact() throws {
        let berlin = try zone("Europe/Berlin")
        // 2027-03-28 01:00 UTC: CET 02:00 becomes CEST 03:00.
        #expect(berlin.format(1_806_195_600 - 60) == "2027-03-28 01:59 CET")
        #expect(berlin.format(1_806_195_600) == "2027-03-28 03:00 CEST")
        // The year 2100 is beyond every transition in the file: the footer rule decides.
        #expect(berlin.format(4_118_083_200) == "2100-07-01 02:00 CEST")
    }

    @Test func missingOrDamagedZoneIsUTC() throws {
        let sandbox = try Sandbox()
        #expect(SystemTimeZone.load(paths: sandbox.paths) == .utc)
        try Data("TZif2 but nothing else".utf8).write(to: URL(fileURLWithPath: sandbox.paths.localtime))
        #expect(SystemTimeZone.load(paths: sandbox.paths) == .utc)
        #expect(SystemTimeZone.utc.format(0) == "1970-01-01 00:00 UTC")
    }

    /// The whole path: `sspr admin pass` sends the user a notice; the caller's TZ says New York, the sandbox's
    /// /etc/localtime says Tokyo (once a copy, once a link inside the root); the notice says Tokyo.
    @Test(arguments: [false, true])
    func noticeUsesLocaltimeNotTZ(asLink: Bool) throws {
        let sandbox = try Sandbox()
        let mailDir = sandbox.root + "/mail"
        try FileManager.default.createDirectory(atPath: mailDir, withIntermediateDirectories: true)
        let sender = try recordingSender(in: mailDir)
        try "mail_command = \(sender)\n".write(toFile: sandbox.paths.policy, atomically: false, encoding: .utf8)
        if asLink {
            let target = sandbox.root + "/usr/share/zoneinfo/Asia"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.zoneinfo + "/Asia/Tokyo", toPath: target + "/Tokyo")
            // Absolute, as on a real system: resolved under the root, not on the host.
            try FileManager.default.createSymbolicLink(atPath: sandbox.paths.localtime, withDestinationPath: "/usr/share/zoneinfo/Asia/Tokyo")
        } else {
            try FileManager.default.copyItem(atPath: Self.zoneinfo + "/Asia/Tokyo", toPath: sandbox.paths.localtime)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "America/New_York"
        let result = try runSSPR(["--root", sandbox.root, "admin", "pass", "alice"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")

        let notice = try #require(sentMessages(mailDir).first?.stdin)
        let when = try #require(notice.split(separator: "\n").first { $0.hasPrefix("When:") }.map(String.init))
        // "When:    2026-11-28 09:15 JST (2026-11-28T00:15:00Z)": the local part is the UTC part plus nine hours.
        let utcText = try #require(when.split(separator: "(").last?.dropLast())
        let utc = try #require(SystemClock.parseUTC(String(utcText)))
        let tokyo = try #require(try glibcTimes("Asia/Tokyo", [utc]).first)
        #expect(when.hasPrefix("When:    \(tokyo) ("), "\(when)")
        #expect(when.contains("JST") && !when.contains("EST") && !when.contains("EDT"))
    }
}
