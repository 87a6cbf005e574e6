import ArgumentParser
import SSPRCore
import SSPRSystem

struct AdminReport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Who registered what, who is due.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON output.") var json = false

    struct Row: Encodable {
        let user: String
        let methods: [String]
        let meets_policy: Bool
        let last_confirmed: String?
        let reconfirm_due: Bool
        let recovery_codes_left: Int
        let locked_until: String?
        let recent_failures: Int
    }

    func run() throws {
        let engine = try global.openEngine(create: false)
        let reports: [UserReport]
        do { reports = try engine.reportAll() } catch { throw CLIError(error) }
        let rows = reports.map { r in
            Row(user: r.user, methods: r.methods.map(\.rawValue), meets_policy: r.meetsPolicy,
                last_confirmed: r.lastConfirmed > 0 ? SystemClock.utcTimestamp(r.lastConfirmed) : nil,
                reconfirm_due: r.reconfirmDue, recovery_codes_left: r.recoveryCodesLeft,
                locked_until: r.lockedUntil.map(SystemClock.utcTimestamp), recent_failures: r.recentFailures)
        }
        if json { try JSONOutput.print(rows); return }
        print(pad("USER", 16) + pad("METHODS", 40) + pad("POLICY", 8) + pad("RECONFIRM", 10) + "LOCKED")
        for r in rows {
            print(pad(r.user, 16) + pad(r.methods.joined(separator: ","), 40) + pad(r.meets_policy ? "ok" : "short", 8)
                  + pad(r.reconfirm_due ? "due" : "-", 10) + (r.locked_until ?? "-"))
        }
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
