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

    /// `sspr admin check` reads the store's files and the PAM stack directly, which only root may do. (The
    /// other admin commands go through the registration service: in-process as root, ssprd otherwise.)
    func requireRoot() throws {
        if ProcessIdentity.effectiveUID != 0 {
            throw CLIError.notPermitted("sspr admin check needs root (run it with sudo)")
        }
    }
}

func printError(_ message: String) {
    var line = Array(message.utf8)
    line.append(0x0a)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
