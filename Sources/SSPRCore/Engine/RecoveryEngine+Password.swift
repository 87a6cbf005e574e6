// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// How a check of an account's current password ended.
public enum PasswordCheck: Equatable, Sendable {
    case accepted
    case rejected
    /// Not checked: too many wrong passwords lately (`PasswordThrottle`), until then.
    case throttled(until: Int64)
}

extension RecoveryEngine {
    /// Checks the account's current password against /etc/shadow (ssprd's `Authenticate`). This is a password
    /// check, not a recovery proof: it neither counts toward nor is stopped by the reset lockout, so wrong
    /// recovery codes typed by anyone cannot lock a user out of managing their own methods. Its failures are
    /// throttled on their own, per account uid and per `peer` (who asks). A password that is right but
    /// expired is accepted: the user still knows it, and a reset is exactly what an expired password is for.
    /// An account without a usable password (locked, none, expired account) never passes.
    public func verifyAccountPassword(user: String, password: SecretBytes, peer: String,
                                      context: AuditContext) throws(SSPRError) -> PasswordCheck {
        let t = now
        var keys = ["peer \(peer)"]
        if let account = accounts.account(named: user) { keys.append("uid \(account.uid)") }
        let throttle = passwordThrottle
        let rows = try store.transaction { () throws(SSPRError) -> [Int64]? in
            if try throttle.throttledUntil(keys, now: t) != nil { return nil }
            return try throttle.recordAttempt(keys, now: t)
        }
        guard let rows else {
            let until = try throttle.throttledUntil(keys, now: t) ?? t + PasswordThrottle.window
            try audit.record(.authenticate, user: user, result: "throttled", context: context, at: t)
            return .throttled(until: until)
        }
        let matches: Bool
        do { matches = try currentPasswordMatches(user: user, password: password, now: t) } catch {
            // Not an answer (the directory is down): not a wrong password either.
            try? throttle.withdraw(rows)
            throw error
        }
        if matches {
            try throttle.withdraw(rows)
            try audit.record(.authenticate, user: user, result: "pass", context: context, at: t)
            return .accepted
        }
        try audit.record(.authenticate, user: user, result: "fail", context: context, at: t)
        return .rejected
    }

    /// Where the password lives: /etc/shadow (check() refuses every state but an active or expired password,
    /// ShadowAccountState.allowsReset), or with `password_store = ldap` the directory, by binding as the entry.
    /// A directory that cannot answer is an error, never a wrong password (it would feed the throttle).
    private func currentPasswordMatches(user: String, password: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        if policy.passwordStore == .ldap {
            let directory = try DirectoryConnection.open(policy.ldap, paths: paths)
            do { return try directory.verifyPassword(user: user, password: password, paths: paths, now: now) } catch {
                if case .notAvailable = error { return false }  // no entry, locked or expired: never passes
                throw error
            }
        }
        guard let hash = try? ShadowAccountCheck.check(user: user, paths: paths).hash else { return false }
        return Crypt.verify(password, against: hash)
    }
}
