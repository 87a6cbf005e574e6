import ArgumentParser
import SSPRCore
import SSPRVarlink

struct AdminUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Clear a user's failures and lockout.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account (or any name that was locked).") var user: String

    func run() throws {
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        _ = try client.call("AdminUnlock", ["user": .string(user)])
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
            guard let k = MethodKind(name: method) else { throw CLIError.usage("unknown method \"\(method)\"") }
            kind = k
        }
        var parameters: [String: JSONValue] = ["user": .string(user)]
        if let kind { parameters["method"] = .string(kind.rawValue) }
        let client = try RegistrationClient(global: global, user: nil, admin: true, createStore: false)
        let removed = try client.call("AdminRemove", parameters)["removed"]?.int ?? 0
        if removed == 0 { throw CLIError.failed("\(user) has no \(kind?.rawValue ?? "method") registered") }
        print("Removed \(kind?.rawValue ?? "all methods") of \(user).")
    }
}
