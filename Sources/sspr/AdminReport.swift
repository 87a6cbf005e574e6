import ArgumentParser
import SSPRCore
import SSPRSystem
import SSPRVarlink

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
        /// "ok", or "mismatch" when the registrations belong to another account of that name (or to none).
        let account: String
        let account_problem: String?
    }

    func run() throws {
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        let users = try client.call("AdminReport")["users"]?.array?.compactMap(\.object) ?? []
        let rows = users.map { u in
            Row(user: u["user"]?.string ?? "", methods: u["methods"]?.array?.compactMap(\.string) ?? [],
                meets_policy: u["meets_policy"]?.bool ?? false,
                last_confirmed: u["last_confirmed"]?.int.map { SystemClock.utcTimestamp(Int64($0)) },
                reconfirm_due: u["reconfirm_due"]?.bool ?? false, recovery_codes_left: u["recovery_codes_left"]?.int ?? 0,
                locked_until: u["locked_until"]?.int.map { SystemClock.utcTimestamp(Int64($0)) },
                recent_failures: u["recent_failures"]?.int ?? 0, account: u["account"]?.string ?? "ok",
                account_problem: u["account_problem"]?.string)
        }
        if json { try JSONOutput.print(rows); return }
        print(pad("USER", 16) + pad("METHODS", 40) + pad("POLICY", 8) + pad("RECONFIRM", 10) + pad("ACCOUNT", 10) + "LOCKED")
        for r in rows {
            print(pad(r.user, 16) + pad(r.methods.joined(separator: ","), 40) + pad(r.meets_policy ? "ok" : "short", 8)
                  + pad(r.reconfirm_due ? "due" : "-", 10) + pad(r.account == "ok" ? "ok" : "MISMATCH", 10) + (r.locked_until ?? "-"))
        }
        let mismatched = rows.filter { $0.account != "ok" }
        if !mismatched.isEmpty {
            print("")
            for r in mismatched {
                print("\(r.user): registrations \(r.account_problem ?? "belong to another account"); nobody can use them. sspr admin remove \(r.user)")
            }
        }
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
