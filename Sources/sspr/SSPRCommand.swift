import ArgumentParser
import Glibc
import SSPRSystem

@main
struct SSPRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sspr",
        abstract: "Self-service password reset for Linux login.",
        discussion: "Exit codes: 0 done, 1 failed, 2 usage, 3 not permitted, 4 daemon unreachable.",
        subcommands: [StatusCommand.self, RegisterCommand.self, AddCommand.self, RemoveCommand.self, ConfirmCommand.self,
                      AdminCommand.self])

    @OptionGroup var global: GlobalOptions

    /// ArgumentParser's own exit codes are remapped to the contract's (usage errors are 2, not 64).
    static func main() {
        MemoryHygiene.scrubFreedMemory()
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
            printError(fullMessage(for: error))
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue == 1 ? 1 : 2)
        }
    }
}

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Enroll, verify, audit and unlock (root).",
        subcommands: [AdminEnroll.self, AdminPass.self, AdminVerify.self, AdminReport.self, AdminAudit.self,
                      AdminUnlock.self, AdminRemove.self, AdminCheck.self])
}
