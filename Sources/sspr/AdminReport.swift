// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem
import SSPRVarlink

struct AdminReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Who registered what, who is due.",
        discussion: """
            Without --all: every name the store holds data for. With --all also every login account (uid from
            UID_MIN to UID_MAX in login.defs) the policy enables that never registered, so the class that still
            has to enroll shows up. STATE is mismatch (the registrations belong to another account of that name:
            recreated, renamed or deleted; nobody can use them until sspr admin remove), locked, unregistered, short
            (not enough methods), due (reconfirm) or ok. A member of sspr-admin gets the same through ssprd.
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
        /// "ok", or "mismatch" when the registrations belong to another account of that name (or to none).
        let account: String
        let account_problem: String?
    }

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let (rows, backlog) = global.isRoot ? try rootRows() : try delegatedRows()
        if json { try JSONOutput.print(rows); return }
        if csv {
            print("user,state,methods,meets_policy,last_confirmed,reconfirm_due,recovery_codes_left,locked_until,recent_failures,account")
            for r in rows {
                // Control and format characters in a name are escaped here too: CSV ends up in terminals and sheets.
                print([TerminalText.escaped(r.user), r.state, r.methods.joined(separator: " "), String(r.meets_policy), r.last_confirmed ?? "",
                       String(r.reconfirm_due), String(r.recovery_codes_left), r.locked_until ?? "", String(r.recent_failures),
                       r.account]
                    .map(CSV.field).joined(separator: ","))
            }
            return
        }
        print(pad("USER", 16) + pad("STATE", 14) + pad("METHODS", 36) + "LOCKED UNTIL")
        for r in rows {
            print(pad(TerminalText.escaped(r.user), 16) + pad(r.state, 14) + pad(r.methods.isEmpty ? "-" : r.methods.joined(separator: ","), 36)
                  + (r.locked_until ?? "-"))
        }
        for r in rows where r.account != "ok" {
            let user = TerminalText.escaped(r.user)
            print("\(user): registrations \(r.account_problem ?? "belong to another account"); nobody can use them. sspr admin remove \(user)")
        }
        if backlog.waiting > 0 {
            let oldest = backlog.oldestCreatedAt.map { ", the oldest since \(SystemClock.localTime($0))" } ?? ""
            print("notices waiting to be sent: \(backlog.waiting)\(oldest) (sspr admin outbox)")
        }
    }


    /// The rows, and the undelivered notices (the outbox: a count and the oldest).
    private func rootRows() throws -> ([Row], NoticeOutbox.Backlog) {
        let engine = try global.openEngine(create: false)
        let reports: [UserReport]
        let backlog: NoticeOutbox.Backlog
        do {
            reports = all ? try engine.reportEveryEnabledAccount() : try engine.reportAll()
            backlog = try engine.outbox.backlog()
        } catch {
            throw CLIError(error)
        }
        return (reports.map { r in
            Row(user: r.user, state: Self.state(locked: r.lockedUntil != nil, registered: !r.methods.isEmpty, meetsPolicy: r.meetsPolicy,
                                                reconfirmDue: r.reconfirmDue, mismatch: r.account.isMismatch),
                methods: r.methods.map(\.rawValue), meets_policy: r.meetsPolicy,
                last_confirmed: r.lastConfirmed > 0 ? SystemClock.utcTimestamp(r.lastConfirmed) : nil,
                reconfirm_due: r.reconfirmDue, recovery_codes_left: r.recoveryCodesLeft,
                locked_until: r.lockedUntil.map(SystemClock.utcTimestamp), recent_failures: r.recentFailures,
                account: r.account.isMismatch ? "mismatch" : "ok",
                account_problem: r.account.isMismatch ? RecoveryEngine.mismatchReason(r.account) : nil)
        }, backlog)
    }

    /// A member of sspr-admin: the same rows from ssprd's AdminReport (after the member's password).
    private func delegatedRows() throws -> ([Row], NoticeOutbox.Backlog) {
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        let reply = try client.call("AdminReport", ["all": .bool(all)])
        let users = reply["users"]?.array?.compactMap(\.object) ?? []
        let outbox = reply["outbox"]?.object
        let backlog = NoticeOutbox.Backlog(waiting: outbox?["waiting"]?.int ?? 0, oldestCreatedAt: outbox?["oldest"]?.int.map(Int64.init))
        return (users.map { u in
            let methods = u["methods"]?.array?.compactMap(\.string) ?? []
            let locked = u["locked_until"]?.int.map { SystemClock.utcTimestamp(Int64($0)) }
            let meets = u["meets_policy"]?.bool ?? false, due = u["reconfirm_due"]?.bool ?? false
            let account = u["account"]?.string ?? "ok"
            return Row(user: u["user"]?.string ?? "", state: Self.state(locked: locked != nil, registered: !methods.isEmpty, meetsPolicy: meets,
                                                                       reconfirmDue: due, mismatch: account != "ok"),
                       methods: methods, meets_policy: meets, last_confirmed: u["last_confirmed"]?.int.map { SystemClock.utcTimestamp(Int64($0)) },
                       reconfirm_due: due, recovery_codes_left: u["recovery_codes_left"]?.int ?? 0, locked_until: locked,
                       recent_failures: u["recent_failures"]?.int ?? 0, account: account, account_problem: u["account_problem"]?.string)
        }, backlog)
    }

    /// The one word an admin sorts by: what, if anything, needs doing for this user.
    static func state(locked: Bool, registered: Bool, meetsPolicy: Bool, reconfirmDue: Bool, mismatch: Bool) -> String {
        if mismatch { return "mismatch" }
        if locked { return "locked" }
        if !registered { return "unregistered" }
        if !meetsPolicy { return "short" }
        return reconfirmDue ? "due" : "ok"
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
