// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

extension RecoveryEngine {
    /// What `sspr admin report --all` lists: every login account the policy enables, registered or not,
    /// plus every name the store holds data for (a lockout on a name that is no account still shows), by name.
    public func reportEveryEnabledAccount() throws(SSPRError) -> [UserReport] {
        var reports = try reportAll()
        var known = Set(reports.map(\.user))
        for account in accounts.loginAccounts() where isEnabled(for: account) && known.insert(account.name).inserted {
            reports.append(try report(user: account.name))
        }
        return reports.sorted { $0.user < $1.user }
    }

    /// True when `user` has `method` registered in any form, usable or not (a replacement then needs consent).
    public func hasRegistration(user: String, method: MethodKind) throws(SSPRError) -> Bool {
        switch method {
        case .recoveryCode:
            return try !store.query("SELECT 1 FROM recovery_codes WHERE user = ? LIMIT 1", [.text(user)]).isEmpty
        case .questions:
            return try !store.query("SELECT 1 FROM questions WHERE user = ? LIMIT 1", [.text(user)]).isEmpty
        case .tap:
            return try passes.activePassExpiry(user: user, now: now) != nil
        case .totp, .email, .sms:
            return try !store.query("SELECT 1 FROM methods WHERE user = ? AND kind = ? LIMIT 1",
                                    [.text(user), .text(method.rawValue)]).isEmpty
        }
    }

    /// True when the store holds anything for `name`: registrations, passes, failures or a lockout. Lets the
    /// admin clean up after an account that was deleted, without accepting names that were never seen.
    public func holdsData(for name: String) throws(SSPRError) -> Bool {
        try !store.query("""
            SELECT 1 FROM methods WHERE user = ?1 UNION ALL SELECT 1 FROM recovery_codes WHERE user = ?1
            UNION ALL SELECT 1 FROM passes WHERE user = ?1 UNION ALL SELECT 1 FROM lockouts WHERE user = ?1
            UNION ALL SELECT 1 FROM failures WHERE user = ?1 LIMIT 1
            """, [.text(name)]).isEmpty
    }
}
