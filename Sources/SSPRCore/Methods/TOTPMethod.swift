// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Authenticator-app codes (RFC 6238: HMAC-SHA1, 6 digits, 30 s) through liboath, ±1 step.
///
/// Replay guarantee: a step is accepted only if it is later than the last accepted step, and the store update
/// that records it is conditional (`WHERE last_step < ?`), so of any number of racing verifications of one
/// code exactly one succeeds.
public struct TOTPMethod {
    public static let digits = 6
    public static let step: Int64 = 30
    public static let window: Int64 = 1
    public static let secretLength = 20

    let store: Store

    public func enroll(user: String, secret: SecretBytes, now: Int64) throws(SSPRError) {
        guard secret.count >= 10, secret.count <= 64 else {
            throw .invalidInput("a TOTP secret must be 10 to 64 bytes (16 to 103 base32 characters)")
        }
        _ = try store.run("""
            INSERT INTO methods (user, kind, created, confirmed, secret, last_step) VALUES (?, 'totp', ?, ?, ?, -1)
            ON CONFLICT (user, kind) DO UPDATE SET created = excluded.created, confirmed = excluded.confirmed,
                secret = excluded.secret, last_step = -1
            """, [.text(user), .integer(now), .integer(now), .blob(secret.bytes)])
    }

    /// True when `code` is the code of a step within ±1 of `now` that was not used before; that step is spent.
    public func verify(user: String, code: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        guard let match = try match(user: user, code: code, now: now) else { return false }
        return try spend(user: user, match) != nil
    }

    /// A code found right by `match`: its step, and the secret it was computed from (the spend must be of
    /// that secret, not of one enrolled since).
    public struct Match {
        public let step: Int64
        let secret: SecretBytes
    }

    /// The step of `code` when it is right and later than the last accepted step, or nil; nothing is spent.
    public func match(user: String, code: SecretBytes, now: Int64) throws(SSPRError) -> Match? {
        let rows = try store.query("SELECT secret, last_step FROM methods WHERE user = ? AND kind = 'totp'", [.text(user)])
        guard let row = rows.first, row.count == 2, let key = row[0].blob, let lastStep = row[1].integer else { return nil }
        let secret = SecretBytes(key)
        guard let step = TOTPMethod.matchingStep(secret: secret, code: code, now: now), step > lastStep else { return nil }
        return Match(step: step, secret: secret)
    }

    /// Spends the matched step: the conditional update (`WHERE last_step < step`) lets exactly one of racing
    /// spends of one code win. Returns the last step before it (for `giveBack`), nil when the step (or a later
    /// one) was used meanwhile or the secret was replaced.
    public func spend(user: String, _ match: Match) throws(SSPRError) -> Int64? {
        let previous = try store.query("SELECT last_step FROM methods WHERE user = ? AND kind = 'totp' AND secret = ?",
                                       [.text(user), .blob(match.secret.bytes)]).first?.first?.integer
        guard let previous else { return nil }
        let changed = try store.run("""
            UPDATE methods SET last_step = ? WHERE user = ? AND kind = 'totp' AND last_step < ? AND secret = ?
            """, [.integer(match.step), .text(user), .integer(match.step), .blob(match.secret.bytes)])
        return changed == 1 ? previous : nil
    }

    /// Undoes `spend` after the password could not be written, unless a later step was used since.
    public func giveBack(user: String, _ match: Match, previous: Int64) throws(SSPRError) {
        _ = try store.run("UPDATE methods SET last_step = ? WHERE user = ? AND kind = 'totp' AND last_step = ? AND secret = ?",
                          [.integer(previous), .text(user), .integer(match.step), .blob(match.secret.bytes)])
    }

    /// Stores `secret` for `user` only if `code` is a current code of it (the user's app works), and spends
    /// that code's step so it cannot be replayed at a reset. False when the code is wrong.
    public func register(user: String, secret: SecretBytes, code: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        guard let step = TOTPMethod.matchingStep(secret: secret, code: code, now: now) else { return false }
        try enroll(user: user, secret: secret, now: now)
        _ = try store.run("UPDATE methods SET last_step = ? WHERE user = ? AND kind = 'totp'", [.integer(step), .text(user)])
        return true
    }

    /// What was typed without the spaces apps show in a code, when it is a code's six digits; nil otherwise (then
    /// it cannot be a proof at all: `ProofShape`).
    static func codeDigits(_ typed: SecretBytes) -> SecretBytes? {
        let code = SecretBytes(typed.bytes.filter { $0 != UInt8(ascii: " ") })
        guard code.count == digits, code.bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return code
    }

    /// The time step within ±`window` of `now` whose code is `code`, or nil. Every candidate is computed and
    /// compared, so the time does not depend on which step matched.
    public static func matchingStep(secret: SecretBytes, code: SecretBytes, now: Int64) -> Int64? {
        guard let typed = codeDigits(code) else { return nil }
        let current = now / step
        var matched: Int64? = nil
        for candidate in (current - window)...(current + window) {
            guard let expected = OATH.totp(secret: secret, time: candidate * step, digits: digits, step: Int(step)) else { continue }
            if SecretBytes.constantTimeEquals(Array(expected.utf8), typed.bytes) && matched == nil { matched = candidate }
        }
        return matched
    }

    /// A new random secret for registration.
    public static func newSecret() throws(SSPRError) -> SecretBytes {
        do { return SecretBytes(try SecureRandom.bytes(secretLength)) } catch { throw .system(error) }
    }
}
