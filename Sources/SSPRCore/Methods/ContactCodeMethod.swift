// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Codes sent by e-mail or SMS: 6 digits from the kernel, stored hashed, valid `code_ttl`, single use (a
/// conditional update spends them), at most `max_codes` per user per hour and `max_codes` per destination per
/// hour (a registration can name any address, so the destination needs its own cap).
///
/// Registration codes (`email-pending`, `sms-pending`) go to the address being registered; the address that
/// is finally stored is the one the matched code was sent to, read from the store, never from the request.
public struct ContactCodeMethod {
    public static let digits = 6
    let store: Store
    let policy: Policy

    public enum Purpose: Sendable { case login, registration }

    static func storedKind(_ kind: MethodKind, _ purpose: Purpose) -> String {
        purpose == .login ? kind.rawValue : kind.rawValue + "-pending"
    }

    /// The registered, verified destination of `kind`, if any.
    public func destination(user: String, kind: MethodKind) throws(SSPRError) -> String? {
        try store.query("SELECT destination FROM methods WHERE user = ? AND kind = ?", [.text(user), .text(kind.rawValue)])
            .first?.first?.text
    }

    /// True when another code may be sent now (both caps).
    func mayIssue(user: String, destination: String, now: Int64) throws(SSPRError) -> Bool {
        let hourAgo = now - 3600
        let byUser = try store.scalarInt("SELECT count(*) FROM sent_codes WHERE user = ? AND sent_at > ?", [.text(user), .integer(hourAgo)])
        let byDestination = try store.scalarInt("SELECT count(*) FROM sent_codes WHERE destination = ? AND sent_at > ?",
                                                [.text(destination), .integer(hourAgo)])
        return byUser < Int64(policy.maxCodes) && byDestination < Int64(policy.maxCodes)
    }

    /// A new code for `destination`, recorded (hashed) inside the caller's transaction; nil when throttled.
    func issue(user: String, kind: MethodKind, purpose: Purpose, destination: String, now: Int64) throws(SSPRError) -> SecretBytes? {
        guard try mayIssue(user: user, destination: destination, now: now) else { return nil }
        var digits: [UInt8] = []
        for _ in 0..<ContactCodeMethod.digits {
            do { digits.append(0x30 + UInt8(try SecureRandom.uniform(10))) } catch { throw .system(error) }
        }
        let code = SecretBytes(digits)
        // Six digits are little entropy: the hash only keeps them off disk in clear; lockout and the short life
        // are what stop guessing.
        let hash = try SecretHasher.fastHash(code)
        _ = try store.run("""
            INSERT INTO sent_codes (user, kind, destination, code_hash, sent_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(user), .text(ContactCodeMethod.storedKind(kind, purpose)), .text(destination), .text(hash),
                  .integer(now), .integer(now + policy.codeTTL)])
        return code
    }

    /// The destination the code was sent to, when `typed` is an unexpired, unused code of this kind (then spent).
    /// For login codes the destination must still be the registered one.
    public func redeem(user: String, kind: MethodKind, purpose: Purpose, typed: SecretBytes, now: Int64) throws(SSPRError) -> String? {
        guard let match = try match(user: user, kind: kind, purpose: purpose, typed: typed, now: now),
              try OneTimeRow.sentCode.spend(id: match.id, now: now, store: store) else { return nil }
        return match.destination
    }

    /// A sent code found right by `match`: its row and where it was sent.
    public struct Match: Equatable, Sendable {
        public let id: Int64
        public let destination: String
    }

    /// What was typed without spaces and dashes, when it is a sent code's six digits; nil otherwise (then it
    /// cannot be a proof at all: `ProofShape`).
    static func codeDigits(_ typed: SecretBytes) -> SecretBytes? {
        let code = SecretBytes(typed.bytes.filter { $0 != 0x20 && $0 != 0x2d })
        guard code.count == ContactCodeMethod.digits, code.bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return code
    }

    /// The unexpired, unused code of this kind equal to `typed`, or nil; nothing is spent (`OneTimeRow.spend`).
    /// For login codes the destination must still be the registered one.
    public func match(user: String, kind: MethodKind, purpose: Purpose, typed: SecretBytes, now: Int64) throws(SSPRError) -> Match? {
        guard let candidate = ContactCodeMethod.codeDigits(typed) else { return nil }
        let registered = purpose == .login ? try destination(user: user, kind: kind) : nil
        let rows = try store.query("""
            SELECT id, code_hash, destination FROM sent_codes
            WHERE user = ? AND kind = ? AND used_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 10
            """, [.text(user), .text(ContactCodeMethod.storedKind(kind, purpose)), .integer(now)])
        var matched: Match? = nil
        for row in rows where row.count == 3 {
            guard let id = row[0].integer, let hash = row[1].text, let destination = row[2].text else { continue }
            if Crypt.verify(candidate, against: hash) && matched == nil { matched = Match(id: id, destination: destination) }
        }
        guard let matched, purpose != .login || matched.destination == registered else { return nil }
        return matched
    }

    /// Stores the verified destination as the user's method.
    func register(user: String, kind: MethodKind, destination: String, now: Int64) throws(SSPRError) {
        _ = try store.run("""
            INSERT INTO methods (user, kind, created, confirmed, destination) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user, kind) DO UPDATE SET created = excluded.created, confirmed = excluded.confirmed,
                destination = excluded.destination
            """, [.text(user), .text(kind.rawValue), .integer(now), .integer(now), .text(destination)])
    }
}
