// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

extension AccountDirectory {
    /// Every account people log in with: uid within login.defs' `UID_MIN`..`UID_MAX` (shadow-utils' defaults
    /// 1000..60000), so daemons and `nobody` stay out. From the sandbox's passwd under a root, else from NSS.
    public func loginAccounts() -> [Account] {
        let defs = (try? LoginDefs.load(paths: paths)) ?? LoginDefs(text: "")
        let low = defs.number("UID_MIN") ?? 1000
        let high = defs.number("UID_MAX") ?? 60000
        let names: [(name: String, uid: Int)]
        if paths.isSandboxed {
            names = colonLines(paths.passwd).compactMap { f in
                guard f.count >= 7, let uid = Int(f[2]) else { return nil }
                return (f[0], uid)
            }
        } else {
            names = NameService.allUsers().map { ($0.name, Int($0.uid)) }
        }
        var seen = Set<String>()
        var result: [Account] = []
        for entry in names where (low...max(low, high)).contains(entry.uid) && seen.insert(entry.name).inserted {
            if let account = account(named: entry.name) { result.append(account) }
        }
        return result
    }
}
