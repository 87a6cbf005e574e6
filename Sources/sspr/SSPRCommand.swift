// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem

@main
struct SSPRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sspr",
        abstract: "Self-service password reset for Linux login.",
        discussion: "Exit codes: 0 done, 1 failed, 2 usage, 3 not permitted, 4 daemon unreachable.",
        version: SSPRVersion.current,
        subcommands: [StatusCommand.self, RegisterCommand.self, AddCommand.self, RemoveCommand.self, ConfirmCommand.self,
                      AdminCommand.self])

    @OptionGroup var global: GlobalOptions

    /// ArgumentParser's own exit codes are remapped to the contract's (usage errors are 2, not 64).
    static func main() {
        MemoryHygiene.scrubFreedMemory()
        // Our own process: its syslog lines are tagged "sspr" (journalctl -t sspr), not "sspr: sspr: ...".
        Syslog.claimIdentity("sspr")
        // Messages in the language of the environment (LANG, LC_ALL, LC_MESSAGES): catalogues of domain sspr.
        Translation.useEnvironment()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            printError("sspr: \(error.message)")
            Glibc.exit(error.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            // ArgumentParser says 64 for usage; the contract says 2. Our own ExitCode(n) keeps its n.
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Enroll, verify, audit and unlock (root).",
        subcommands: [AdminEnroll.self, AdminPass.self, AdminVerify.self, AdminReport.self, AdminAudit.self,
                      AdminUnlock.self, AdminRemove.self, AdminCheck.self, AdminInit.self, AdminOutbox.self, AdminStore.self])
}
