import ArgumentParser
import SSPRCore
import SSPRSystem

struct AdminUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Clear a user's failures and lockout.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account (or a deleted account's name the store still holds).") var user: String

    func run() throws {
        if !global.isRoot { return try runThroughDaemon() }
        let engine = try global.openEngine(create: false)
        try engine.requireAccountOrStoredName(user)
        do { try engine.unlock(user: user, context: global.adminContext) } catch { throw CLIError(error) }
        print("Unlocked \(user).")
    }
}

struct AdminRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove one method, or all, of a user.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account.") var user: String
    @Argument(help: "totp, questions, recovery-codes, email, sms or tap; all when omitted.") var method: String?

    func run() throws {
        var kind: MethodKind? = nil
        if let method {
            guard let k = MethodKind(name: method) else { throw CLIError.usage(translated("unknown method \"{method}\"", ["method": method])) }
            kind = k
        }
        if !global.isRoot { return try runThroughDaemon(kind) }
        let engine = try global.openEngine(create: false)
        try engine.requireAccountOrStoredName(user)
        let removed: Int
        do { removed = try engine.remove(user: user, method: kind, context: global.adminContext) } catch { throw CLIError(error) }
        if removed == 0 { throw CLIError.failed(kind.map { translated("{user} has no {method} registered", ["user": user, "method": $0.rawValue]) }
                                                       ?? translated("{user} has no method registered", ["user": user])) }
        print("Removed \(kind?.rawValue ?? "all methods") of \(user).")
    }
}
