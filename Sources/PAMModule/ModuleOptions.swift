import SSPRCore

/// The module's arguments, parsed from one table: `root=DIR`, `config=FILE`, `debug`, and every policy key
/// (`key=value`, overriding the policy file). Problems are collected, never guessed around.
struct ModuleOptions {
    var root: String? = nil
    var config: String? = nil
    var debug = false
    var policyOverrides: [(key: String, value: String)] = []
    var problems: [String] = []

    enum Kind { case path, flag, policyKey }

    static let table: [String: Kind] = {
        var table: [String: Kind] = ["root": .path, "config": .path, "debug": .flag]
        for key in PolicyLoader.knownKeys { table[key] = .policyKey }
        return table
    }()

    init(_ arguments: [String]) {
        for argument in arguments {
            let name: String
            let value: String?
            if let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                value = String(argument[argument.index(after: eq)...])
            } else {
                name = argument
                value = nil
            }
            switch (ModuleOptions.table[name], value) {
            case (.flag?, nil): debug = true
            case (.path?, let v?):
                guard v.hasPrefix("/"), !v.split(separator: "/").contains(where: { $0 == ".." }) else {
                    problems.append("\(name)= needs an absolute path without \"..\"")
                    continue
                }
                if name == "root" { root = v } else { config = v }
            case (.policyKey?, let v?): policyOverrides.append((name, v))
            case (nil, _): problems.append("unknown argument \"\(name)\"")
            case (.flag?, .some), (.path?, nil), (.policyKey?, nil): problems.append("argument \"\(name)\" is malformed")
            }
        }
    }

    var paths: SystemPaths { SystemPaths(root: root) }
}
