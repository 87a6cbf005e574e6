// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Temporary access passes issued by an admin after the helpdesk verified the caller. Stored hashed, with a
/// lifetime; single-use unless issued reusable. Issuing a new pass revokes the user's earlier ones.
public struct TemporaryPassMethod {
    public static let minimumLifetime: Int64 = 5 * 60
    public static let maximumLifetime: Int64 = 30 * 86400
    /// Four groups of four: sixteen characters once the dashes are dropped.
    static let groups = 4, groupLength = 4
    static let passLength = groups * groupLength
    let store: Store

    public func issue(user: String, lifetime: Int64, reusable: Bool, issuedBy: String, now: Int64) throws(SSPRError) -> SecretBytes {
        guard (TemporaryPassMethod.minimumLifetime...TemporaryPassMethod.maximumLifetime).contains(lifetime) else {
            throw .invalidInput("a pass lifetime must be from 5m to 30d")
        }
        let pass = try RandomCode.make(groups: TemporaryPassMethod.groups, groupLength: TemporaryPassMethod.groupLength)
        let hash = try SecretHasher.fastHash(RandomCode.normalise(pass))
        _ = try store.run("DELETE FROM passes WHERE user = ?", [.text(user)])
        _ = try store.run("""
            INSERT INTO passes (user, pass_hash, issued_by, issued_at, expires_at, reusable) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(user), .text(hash), .text(issuedBy), .integer(now), .integer(now + lifetime), .integer(reusable ? 1 : 0)])
        return pass
    }

    /// The expiry of the user's usable pass, if any.
    public func activePassExpiry(user: String, now: Int64) throws(SSPRError) -> Int64? {
        try store.query("""
            SELECT expires_at FROM passes WHERE user = ? AND expires_at > ? AND (reusable = 1 OR used_at IS NULL)
            ORDER BY expires_at DESC LIMIT 1
            """, [.text(user), .integer(now)]).first?.first?.integer
    }

    /// Who issued the user's usable pass (root, or a helpdesk member's name), if there is one.
    public func activePassIssuer(user: String, now: Int64) throws(SSPRError) -> String? {
        try store.query("""
            SELECT issued_by FROM passes WHERE user = ? AND expires_at > ? AND (reusable = 1 OR used_at IS NULL)
            ORDER BY expires_at DESC LIMIT 1
            """, [.text(user), .integer(now)]).first?.first?.text
    }

    /// True when `typed` is the user's unexpired pass (spent now unless reusable).
    public func verify(user: String, typed: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        guard let pass = try match(user: user, typed: typed, now: now) else { return false }
        return try spend(pass, now: now)
    }

    /// A pass as found by `match`: its row and whether it may be used again.
    public struct Match: Equatable, Sendable {
        public let id: Int64
        public let reusable: Bool
    }

    /// The user's unexpired, usable pass equal to `typed`, or nil; nothing is spent.
    public func match(user: String, typed: SecretBytes, now: Int64) throws(SSPRError) -> Match? {
        let candidate = RandomCode.normalise(typed)
        guard candidate.count == 16 else { return nil }
        let rows = try store.query("""
            SELECT id, pass_hash, reusable FROM passes WHERE user = ? AND expires_at > ? AND (reusable = 1 OR used_at IS NULL)
            """, [.text(user), .integer(now)])
        for row in rows where row.count == 3 {
            guard let id = row[0].integer, let hash = row[1].text, let reusable = row[2].integer else { continue }
            if Crypt.verify(candidate, against: hash) { return Match(id: id, reusable: reusable == 1) }
        }
        return nil
    }

    /// Spends a single-use pass (conditionally: exactly one of racing spends wins); a reusable one only
    /// records its last use. False when the pass was used meanwhile or revoked (a newer pass deletes it).
    public func spend(_ pass: Match, now: Int64) throws(SSPRError) -> Bool {
        if pass.reusable {
            return try store.run("UPDATE passes SET used_at = ? WHERE id = ?", [.integer(now), .integer(pass.id)]) == 1
        }
        return try OneTimeRow.pass.spend(id: pass.id, now: now, store: store)
    }
}
