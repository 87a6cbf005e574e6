// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Ten one-time recovery codes, shown once and stored hashed. Redemption marks the code spent with a
/// conditional update (`WHERE used_at IS NULL`), so of concurrent redemptions of one code exactly one wins.
public struct RecoveryCodeMethod {
    public static let count = 10
    /// Two groups of five ("7KQ2M-XH4PD"): ten characters once the dash is dropped.
    static let groups = 2, groupLength = 5
    static let codeLength = groups * groupLength
    let store: Store

    /// Replaces the user's codes with ten new ones and returns them (the only time they exist in clear).
    public func generate(user: String, now: Int64) throws(SSPRError) -> [SecretBytes] {
        var codes: [SecretBytes] = []
        var hashes: [String] = []
        for _ in 0..<RecoveryCodeMethod.count {
            let code = try RandomCode.make(groups: RecoveryCodeMethod.groups, groupLength: RecoveryCodeMethod.groupLength)
            codes.append(code)
            hashes.append(try SecretHasher.fastHash(RandomCode.normalise(code)))
        }
        _ = try store.run("DELETE FROM recovery_codes WHERE user = ?", [.text(user)])
        for hash in hashes {
            _ = try store.run("INSERT INTO recovery_codes (user, code_hash) VALUES (?, ?)", [.text(user), .text(hash)])
        }
        _ = try store.run("""
            INSERT INTO methods (user, kind, created, confirmed) VALUES (?, 'recovery_code', ?, ?)
            ON CONFLICT (user, kind) DO UPDATE SET created = excluded.created, confirmed = excluded.confirmed
            """, [.text(user), .integer(now), .integer(now)])
        return codes
    }

    public func remaining(user: String) throws(SSPRError) -> Int {
        Int(try store.scalarInt("SELECT count(*) FROM recovery_codes WHERE user = ? AND used_at IS NULL", [.text(user)]))
    }

    /// True when `typed` is one of the user's unused codes; that code is then spent.
    public func redeem(user: String, typed: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        guard let id = try match(user: user, typed: typed) else { return false }
        return try OneTimeRow.recoveryCode.spend(id: id, now: now, store: store)
    }

    /// The id of the user's unused code equal to `typed`, or nil; nothing is spent (a reset spends it only
    /// when the new password is written, `OneTimeRow.spend`). Every unused code is compared, so the time does
    /// not tell which one matched.
    public func match(user: String, typed: SecretBytes) throws(SSPRError) -> Int64? {
        let candidate = RandomCode.normalise(typed)
        guard candidate.count == 10 else { return nil }
        let rows = try store.query("SELECT id, code_hash FROM recovery_codes WHERE user = ? AND used_at IS NULL", [.text(user)])
        var matched: Int64? = nil
        for row in rows where row.count == 2 {
            guard let id = row[0].integer, let hash = row[1].text else { continue }
            if Crypt.verify(candidate, against: hash) && matched == nil { matched = id }
        }
        return matched
    }
}
