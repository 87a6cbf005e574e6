import ArgumentParser
import Glibc
import SSPRCore
import SSPRSystem

/// Options every command takes, before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Sandbox root: every path is taken under DIR.", valueName: "DIR"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("The ssprd socket.", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Policy file (default /etc/security/sspr.conf under the root).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Act for another account (root and sspr-admin only); for admin audit, the account to show.", valueName: "USER"))
    var user: String?

    var paths: SystemPaths { SystemPaths(root: root) }

    func validate() throws {
        if let root, !root.hasPrefix("/") { throw ValidationError("--root must be an absolute path") }
    }

    /// The policy; problems are printed as warnings (`sspr admin check` explains them).
    func loadPolicy(quiet: Bool = false) -> (Policy, [PolicyProblem]) {
        let result = PolicyLoader.load(path: config ?? paths.policy)
        if !quiet {
            for problem in result.problems { printError("sspr: warning: \(problem) (ignored; see sspr admin check)") }
        }
        return (result.policy, result.problems)
    }

    /// Root's admin commands work on the store directly; `sspr admin check` (which reads the store's files and
    /// the PAM stack) only root may run. A member of sspr-admin runs the others through ssprd.
    func requireRoot(_ what: String = "sspr admin check") throws {
        if ProcessIdentity.effectiveUID != 0 {
            throw CLIError.notPermitted(translated("{command} needs root (run it with sudo)", ["command": what]))
        }
    }

    /// Root works on the store directly; anyone else (a member of sspr-admin) goes through ssprd.
    var isRoot: Bool { ProcessIdentity.effectiveUID == 0 }

    func openEngine(create: Bool) throws -> RecoveryEngine {
        try requireRoot("this admin command")
        let (policy, _) = loadPolicy()
        do { return try RecoveryEngine.open(paths: paths, policy: policy, create: create) } catch { throw CLIError(error) }
    }

    var adminContext: AuditContext {
        let name = ProcessIdentity.realUID == 0 ? "root" : (NameService.user(id: ProcessIdentity.realUID)?.name ?? "uid \(ProcessIdentity.realUID)")
        return AuditContext(service: "sspr", tty: "", rhost: "", actor: name)
    }
}

func printError(_ message: String) {
    var line = Array(message.utf8)
    line.append(0x0a)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

extension RecoveryEngine {
    /// Admin commands act on accounts only: a typo ("bogususer") must fail (exit 1) before it creates a row.
    func requireKnownAccount(_ user: String) throws {
        guard accounts.account(named: user) != nil else { throw CLIError.failed(translated("no such account: {user}", ["user": user])) }
    }

    /// For unlock and remove, which also clean up after a deleted account: a name that is no account is
    /// accepted only while the store holds data for it, so a typo still fails and writes nothing.
    func requireAccountOrStoredName(_ user: String) throws {
        if accounts.account(named: user) != nil { return }
        let stored: Bool
        do { stored = try holdsData(for: user) } catch { throw CLIError(error) }
        guard stored else { throw CLIError.failed(translated("no such account: {user}", ["user": user])) }
    }
}
