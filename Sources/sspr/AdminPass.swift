import ArgumentParser
import SSPRCore

struct AdminPass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pass",
        abstract: "Issue a temporary access pass (after the helpdesk verified the caller).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Option(help: "Lifetime (5m to 30d).") var ttl: String = "1h"
    @Flag(help: "The pass works more than once until it expires.") var reusable = false

    func run() throws {
        guard let lifetime = Duration.parseSeconds(ttl) else { throw CLIError.usage("--ttl: expected a duration like 30m, 1h, 2d") }
        let engine = try global.openEngine(create: true)
        do {
            let pass = try engine.issuePass(user: user, lifetime: lifetime, reusable: reusable, context: global.adminContext)
            print("Temporary access pass for \(user): \(String(decoding: pass.bytes, as: UTF8.self))")
            print("Valid for \(Duration.format(lifetime)), \(reusable ? "reusable" : "single use"). Read it to the user; it is not shown again.")
        } catch {
            throw CLIError(error)
        }
    }
}
