// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem

extension AdminCheck {
    /// `password_store = ldap`: the URI and how it is protected, the reset account's password file and its
    /// permissions, and a real bind as the reset account (what every reset does before asking a proof).
    func checkPasswordStore(policy: Policy, paths: SystemPaths, problem: (String) -> Void, ok: (String) -> Void) {
        guard policy.passwordStore == .ldap else { return }
        let settings = policy.ldap
        // Missing keys are policy problems already; nothing more to try without them.
        guard let uri = settings.uri, let bindDN = settings.bindDN, let file = settings.bindPasswordFile else { return }
        let security = LDAPConnection.security(of: uri)
        let ca = security == .localSocket ? nil : settings.caFile.map { ", CA \(paths.path($0))" }
        ok("password store: ldap \(uri), \(security?.rawValue ?? "unknown scheme")" + (ca ?? ""))
        do {
            let status = try BindPasswordFile.check(paths.path(file))
            ok("ldap_bind_password_file \(paths.path(file)) (owner root, mode 0\(String(status.mode, radix: 8)))")
        } catch {
            problem("\(error)")
            return
        }
        do {
            _ = try DirectoryConnection.open(settings, paths: paths)
            ok("bind as the reset account \(bindDN): OK")
        } catch {
            problem("bind as the reset account \(bindDN) failing (resets say \"not available right now\"): \(error)")
        }
    }
}
