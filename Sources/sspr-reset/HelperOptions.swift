// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore

/// The module's arguments as the helper reads them, from one table: `root=DIR`, `config=FILE`, `debug`, every
/// policy key (`key=value`, overriding the policy file), and the module's own `helper=`, `socket=` and
/// `helper_timeout=` (read by pam_sspr.so, accepted here). Problems are collected, never guessed around.
struct HelperOptions {
    var root: String? = nil
    var config: String? = nil
    var debug = false
    var policyOverrides: [(key: String, value: String)] = []
    var problems: [String] = []

    enum Kind { case path, flag, policyKey, moduleOnly }

    static let table: [String: Kind] = {
        var table: [String: Kind] = ["root": .path, "config": .path, "debug": .flag,
                                     "helper": .moduleOnly, "socket": .moduleOnly, "helper_timeout": .moduleOnly]
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
            switch (HelperOptions.table[name], value) {
            case (.flag?, nil): debug = true
            case (.path?, let v?):
                guard HelperOptions.isPlainAbsolute(v) else {
                    problems.append("\(name)= needs an absolute path without \"..\"")
                    continue
                }
                if name == "root" { root = v } else { config = v }
            case (.policyKey?, let v?): policyOverrides.append((name, v))
            case (.moduleOnly?, .some): break
            case (nil, _): problems.append("unknown argument \"\(name)\"")
            case (.flag?, .some), (.path?, nil), (.policyKey?, nil), (.moduleOnly?, nil):
                problems.append("argument \"\(name)\" is malformed")
            }
        }
    }

    static func isPlainAbsolute(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.split(separator: "/").contains(where: { $0 == ".." })
    }

    var paths: SystemPaths { SystemPaths(root: root) }
}
