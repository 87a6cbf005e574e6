import ArgumentParser
import SSPRCore
import SSPRVarlink
import SSPRSystem

struct AdminPass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pass",
        abstract: "Issue a temporary access pass (after the helpdesk verified the caller).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Option(help: "Lifetime (5m to 30d).") var ttl: String = "1h"
    @Flag(help: "The pass works more than once until it expires.") var reusable = false

    func run() throws {
        guard let lifetime = Duration.parseSeconds(ttl) else { throw CLIError.usage(translated("--ttl: expected a duration like 30m, 1h, 2d")) }
        let client = try RegistrationClient(global: global, user: nil, admin: true)
        let reply = try client.call("AdminIssuePass", ["user": .string(user), "ttl": .number(Double(lifetime)), "reusable": .bool(reusable)])
        guard let pass = reply["pass"]?.string else { throw CLIError.failed(translated("ssprd issued no pass")) }
        print("Temporary access pass for \(user): \(pass)")
        print("Valid for \(Duration.format(lifetime)), \(reusable ? "reusable" : "single use"). Read it to the user; it is not shown again.")
    }
}
