// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem
import SSPRVarlink

struct AdminAudit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read the audit trail.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only records at or after T (2026-11-24, 2026-11-24T17:30:00Z, or an age like 2h, 7d).", valueName: "T"))
    var since: String?
    @Flag(help: "JSON output.") var json = false

    struct Row: Encodable {
        let id: Int64, time: String, user: String, event: String, method: String, result: String
        let service: String, tty: String, rhost: String, actor: String, detail: String
        /// The machine the record was written on (a fleet store holds every machine's).
        let host: String
    }

    func run() throws {
        var sinceSeconds: Int64? = nil
        if let since {
            if let t = SystemClock.parseUTC(since) { sinceSeconds = t }
            else if let age = Duration.parseSeconds(since) { sinceSeconds = SystemClock.now() - age }
            else { throw CLIError.usage(translated("--since: expected a date (2026-11-24) or an age (2h, 7d)")) }
        }
        var parameters: [String: JSONValue] = [:]
        if let user = global.user { parameters["user"] = .string(user) }
        if let sinceSeconds { parameters["since"] = .number(Double(sinceSeconds)) }
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        let records = try client.call("AdminAudit", parameters)["records"]?.array?.compactMap(\.object) ?? []
        let rows = records.map { r in
            func text(_ key: String) -> String { r[key]?.string ?? "" }
            return Row(id: Int64(r["id"]?.int ?? 0), time: SystemClock.utcTimestamp(Int64(r["time"]?.int ?? 0)), user: text("user"),
                       event: text("event"), method: text("method"), result: text("result"), service: text("service"),
                       tty: text("tty"), rhost: text("rhost"), actor: text("actor"), detail: text("detail"),
                       host: text("host"))
        }
        if json { try JSONOutput.print(rows); return }
        // Every field goes through TerminalText: a name typed at a login prompt must not drive the terminal.
        for r in rows {
            var line = "\(r.time) \(r.event) user=\(r.user)"
            if !r.method.isEmpty { line += " method=\(r.method)" }
            if !r.result.isEmpty { line += " result=\(r.result)" }
            if !r.service.isEmpty { line += " service=\(r.service)" }
            if !r.tty.isEmpty { line += " tty=\(r.tty)" }
            if !r.rhost.isEmpty { line += " rhost=\(r.rhost)" }
            if !r.actor.isEmpty { line += " actor=\(r.actor)" }
            if !r.host.isEmpty { line += " host=\(r.host)" }
            if !r.detail.isEmpty { line += " (\(r.detail))" }
            print(TerminalText.escaped(line))
        }
    }
}
