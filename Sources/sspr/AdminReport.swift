import ArgumentParser
import SSPRCore
import SSPRSystem

struct AdminReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Who registered what, who is due.",
        discussion: """
            Without --all: every name the store holds data for. With --all also every login account (uid from
            UID_MIN to UID_MAX in login.defs) the policy enables that never registered, so the class that still
            has to enroll shows up. STATE is locked, unregistered, short (not enough methods), due (reconfirm) or ok.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Every account the policy enables, registered or not.") var all = false
    @Flag(help: "JSON output.") var json = false
    @Flag(help: "CSV output (RFC 4180, with a header line).") var csv = false

    struct Row: Encodable {
        let user: String
        let state: String
        let methods: [String]
        let meets_policy: Bool
        let last_confirmed: String?
        let reconfirm_due: Bool
        let recovery_codes_left: Int
        let locked_until: String?
        let recent_failures: Int
    }

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let engine = try global.openEngine(create: false)
        let reports: [UserReport]
        do { reports = all ? try engine.reportEveryEnabledAccount() : try engine.reportAll() } catch { throw CLIError(error) }
        let rows = reports.map { r in
            Row(user: r.user, state: Self.state(r), methods: r.methods.map(\.rawValue), meets_policy: r.meetsPolicy,
                last_confirmed: r.lastConfirmed > 0 ? SystemClock.utcTimestamp(r.lastConfirmed) : nil,
                reconfirm_due: r.reconfirmDue, recovery_codes_left: r.recoveryCodesLeft,
                locked_until: r.lockedUntil.map(SystemClock.utcTimestamp), recent_failures: r.recentFailures)
        }
        if json { try JSONOutput.print(rows); return }
        if csv {
            print("user,state,methods,meets_policy,last_confirmed,reconfirm_due,recovery_codes_left,locked_until,recent_failures")
            for r in rows {
                print([r.user, r.state, r.methods.joined(separator: " "), String(r.meets_policy), r.last_confirmed ?? "",
                       String(r.reconfirm_due), String(r.recovery_codes_left), r.locked_until ?? "", String(r.recent_failures)]
                    .map(CSV.field).joined(separator: ","))
            }
            return
        }
        print(pad("USER", 16) + pad("STATE", 14) + pad("METHODS", 36) + "LOCKED UNTIL")
        for r in rows {
            print(pad(TerminalText.escaped(r.user), 16) + pad(r.state, 14) + pad(r.methods.isEmpty ? "-" : r.methods.joined(separator: ","), 36)
                  + (r.locked_until ?? "-"))
        }
    }

    /// The one word an admin sorts by: what, if anything, needs doing for this user.
    static func state(_ r: UserReport) -> String {
        if r.lockedUntil != nil { return "locked" }
        if r.methods.isEmpty { return "unregistered" }
        if !r.meetsPolicy { return "short" }
        return r.reconfirmDue ? "due" : "ok"
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
