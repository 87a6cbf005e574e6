// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem

/// `sspr admin init`: creates the store with its safe modes (directory 0700, file 0600, root:root) when it is
/// missing, and checks an existing one. `make install` and the package's postinst run it, so `sspr admin check`
/// is green on a fresh install; the PAM module itself never creates a store.
struct AdminInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the store if it is missing (idempotent); refuse an unsafe one.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (_, problems) = global.loadPolicy()
        guard problems.isEmpty else { throw CLIError.failed(translated("the policy has problems: fix them first (sspr admin check)")) }
        let engine = try global.openEngine(create: true)
        print("Store \(engine.store.path) is ready.")
    }
}
