// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Who set each method up, and what that means for administrators (docs/security.md, "Administrators over
/// time"). A member of sspr-admin may enrol methods for ordinary accounts and issue them passes. When such an
/// account later becomes an administrator (a sudo group, a sudoers rule), those methods must not let the helpdesk
/// member reset it: for an account that is an administrator at reset time, only methods the user or root set up
/// count, and passes a helpdesk member issued are void.
extension RecoveryEngine {
    /// Records the acting name (`context.actor`: the user, root, or a helpdesk member) as the setter of `kind`.
    func recordSetter(_ user: String, kind: MethodKind, context: AuditContext) throws(SSPRError) {
        _ = try store.run("UPDATE methods SET set_by = ? WHERE user = ? AND kind = ?",
                          [.text(context.actor), .text(user), .text(kind.rawValue)])
    }

    /// True when a method set up by `setter` counts for `user` as an administrator: the user's own, root's, or
    /// one from before setters were recorded ('').
    static func setterCountsForAdmin(_ setter: String, user: String) -> Bool {
        setter.isEmpty || setter == user || setter == "root"
    }

    /// The user's registered methods that someone other than the user or root set up (helpdesk-set), with the
    /// active pass when a helpdesk member issued it.
    public func methodsSetByOthers(_ user: String) throws(SSPRError) -> [(method: MethodKind, setBy: String)] {
        var result: [(method: MethodKind, setBy: String)] = []
        for row in try store.query("SELECT kind, set_by FROM methods WHERE user = ? ORDER BY kind", [.text(user)]) {
            guard row.count == 2, let kind = row[0].text.flatMap(MethodKind.init(rawValue:)), let setter = row[1].text,
                  !RecoveryEngine.setterCountsForAdmin(setter, user: user) else { continue }
            result.append((kind, setter))
        }
        if let issuer = try passes.activePassIssuer(user: user, now: now), issuer != "root", !issuer.isEmpty {
            result.append((.tap, issuer))
        }
        return result
    }

    /// The methods that count at a reset of `account`: all registered ones, or for an administrator only those
    /// the user or root set up.
    func countingMethods(_ registered: [MethodKind], account: Account, admin: Bool) throws(SSPRError) -> [MethodKind] {
        guard admin else { return registered }
        let others = Set(try methodsSetByOthers(account.name).map(\.method))
        return registered.filter { !others.contains($0) }
    }

    /// Administrators now (uid 0, `admin_groups`, a sudoers rule) whose store holds methods or a pass a helpdesk
    /// member set up: these do not count at their reset, and the admin should know (`sspr admin check`).
    public func adminsWithHelpdeskMethods() throws(SSPRError) -> [(user: String, methods: [(method: MethodKind, setBy: String)])] {
        let users = try store.query("""
            SELECT user FROM methods WHERE set_by NOT IN ('', 'root') AND set_by <> user
            UNION SELECT user FROM passes WHERE issued_by NOT IN ('', 'root') ORDER BY user
            """).compactMap { $0.first?.text }
        var result: [(user: String, methods: [(method: MethodKind, setBy: String)])] = []
        for user in users {
            guard let account = accounts.account(named: user), isAdmin(account) else { continue }
            let others = try methodsSetByOthers(user)
            if !others.isEmpty { result.append((user, others)) }
        }
        return result
    }
}
