// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem

/// `sspr admin store migrate --to URI`: moves this machine onto the fleet's shared store (README "Fleets").
struct AdminStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Work on the store itself: move a machine's store into the fleet's.",
        subcommands: [AdminStoreMigrate.self])
}

struct AdminStoreMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy this machine's SQLite store into another store (a fleet's PostgreSQL), merging users.",
        discussion: """
            Users the destination does not hold are copied with their methods, questions, codes, passes and \
            account binding; users it holds with the same registration are left alone; users it holds with a \
            different registration are conflicts: then nothing is written unless --force (the source's \
            registration wins). Active lockouts, the audit (stamped with this machine's name) and notices \
            waiting to be sent come along. The policy file is not changed: set store = URI afterwards.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The destination: a postgresql:// URI (or another SQLite path).", valueName: "URI"))
    var to: String
    @Option(help: ArgumentHelp("The SQLite store to copy (default: the policy's store, or /var/lib/sspr/sspr.db when the policy already names the fleet store).", valueName: "PATH"))
    var from: String?
    @Flag(help: "Replace the destination's registration of users registered differently on both.") var force = false
    @Flag(name: .customLong("dry-run"), help: "Check and count, write nothing.") var dryRun = false

    func run() throws {
        try global.requireRoot("sspr admin store migrate")
        let (policy, _) = global.loadPolicy()
        let sourceLocation = from ?? (Store.isPostgresURI(policy.store) ? Policy().store : policy.store)
        guard !Store.isPostgresURI(sourceLocation) else { throw CLIError.usage(translated("--from must name a SQLite store")) }
        guard to != sourceLocation else { throw CLIError.usage(translated("--to names the store being copied")) }
        let timeout = Int(policy.storeTimeout) * 1000
        let result: StoreMigration.Result
        let destinationName: String
        do throws(SSPRError) {
            let source = try Store.open(location: sourceLocation, paths: global.paths, create: false)
            let destination = try Store.open(location: to, paths: global.paths, create: true, timeoutMilliseconds: timeout)
            destinationName = destination.path
            result = try StoreMigration(from: source, to: destination, host: HostName.current() ?? "").run(force: force, dryRun: dryRun)
        } catch {
            throw CLIError(error)
        }
        if !result.conflicts.isEmpty {
            let names = result.conflicts.map { TerminalText.escaped($0) }.joined(separator: ", ")
            throw CLIError.failed(translated("nothing was copied: registered differently in both stores: {users} (compare with sspr admin report; --force makes this machine's registration win)",
                                             ["users": names]))
        }
        func list(_ names: [String]) -> String { names.isEmpty ? "" : ": " + names.map { TerminalText.escaped($0) }.joined(separator: ", ") }
        print(dryRun ? "Dry run, nothing written. Would copy:" : "Copied into \(destinationName):")
        print("  users copied: \(result.copied.count)\(list(result.copied))")
        print("  users already there with the same registration: \(result.unchanged.count)\(list(result.unchanged))")
        if !result.replaced.isEmpty { print("  users replaced (--force): \(result.replaced.count)\(list(result.replaced))") }
        print("  active lockouts: \(result.lockouts), audit records: \(result.auditRecords), notices waiting: \(result.notices)")
        if !dryRun && !Store.isPostgresURI(policy.store) {
            print("Now set store = \(to) in \(global.config ?? global.paths.policy) on this machine.")
        }
    }
}
