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
        let rows = try store.query("SELECT secret, last_step FROM methods WHERE user = ? AND kind = 'totp'", [.text(user)])
        guard let row = rows.first, row.count == 2, let key = row[0].blob, let lastStep = row[1].integer else { return false }
        guard let step = TOTPMethod.matchingStep(secret: SecretBytes(key), code: code, now: now), step > lastStep else { return false }
        let changed = try store.run("UPDATE methods SET last_step = ? WHERE user = ? AND kind = 'totp' AND last_step < ?",
                                    [.integer(step), .text(user), .integer(step)])
        return changed == 1
    }

    /// Stores `secret` for `user` only if `code` is a current code of it (the user's app works), and spends
    /// that code's step so it cannot be replayed at a reset. False when the code is wrong.
    public func register(user: String, secret: SecretBytes, code: SecretBytes, now: Int64) throws(SSPRError) -> Bool {
        guard let step = TOTPMethod.matchingStep(secret: secret, code: code, now: now) else { return false }
        try enroll(user: user, secret: secret, now: now)
        _ = try store.run("UPDATE methods SET last_step = ? WHERE user = ? AND kind = 'totp'", [.integer(step), .text(user)])
        return true
    }

    /// The time step within ±`window` of `now` whose code is `code`, or nil. Every candidate is computed and
    /// compared, so the time does not depend on which step matched.
    public static func matchingStep(secret: SecretBytes, code: SecretBytes, now: Int64) -> Int64? {
        let typed = SecretBytes(code.bytes.filter { $0 != UInt8(ascii: " ") })
        guard typed.count == digits, typed.bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
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
