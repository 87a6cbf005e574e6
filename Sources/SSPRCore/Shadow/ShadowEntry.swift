// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// An account line of /etc/shadow, read as glibc and pam_unix read it: `name:hash:lastchg:min:max:warn:inactive:
/// expire:reserved`, numeric fields empty (unset) or decimal. Fields beyond the ninth are kept in `extraFields`.
///
/// Guarantees: `hashBytes` and `nameBytes` are the exact stored bytes (compare hashes with those, never with
/// `String` equality, which is Unicode-canonical). A numeric field that is not a number is `nil` and
/// `hasMalformedNumbers` is true. Negative values (glibc's "-1" = unset) are kept as read; the helpers treat
/// any negative value as unset.
public struct ShadowEntry: Equatable, Sendable {
    public let nameBytes: [UInt8]
    public let hashBytes: [UInt8]
    public let lastChange: Int?
    public let minimumAge: Int?
    public let maximumAge: Int?
    public let warningPeriod: Int?
    public let inactivityPeriod: Int?
    public let expiration: Int?
    /// The ninth (reserved) field, when the line has one.
    public let reserved: [UInt8]?
    /// Fields after the ninth, in order (most lines have none).
    public let extraFields: [[UInt8]]
    /// How many colon-separated fields the line has.
    public let fieldCount: Int
    public let hasMalformedNumbers: Bool

    public var name: String { String(decoding: nameBytes, as: UTF8.self) }
    public var hash: String { String(decoding: hashBytes, as: UTF8.self) }

    /// Reads an account from `line`; nil for comments, NIS lines, lines without a colon or without a name.
    public init?(line: ShadowLine) {
        guard !line.isCommentOrNIS else { return nil }
        let fields = line.fields
        guard fields.count >= 2, let name = fields.first, !name.isEmpty, let hash = fields.dropFirst().first
        else { return nil }
        nameBytes = name
        hashBytes = hash
        fieldCount = fields.count
        var malformed = false
        func number(_ index: Int) -> Int? {
            guard index < fields.count else { return nil }
            let field = fields[index]
            if field.isEmpty { return nil }
            guard let value = ShadowEntry.parseDecimal(field) else {
                malformed = true
                return nil
            }
            return value
        }
        lastChange = number(2)
        minimumAge = number(3)
        maximumAge = number(4)
        warningPeriod = number(5)
        inactivityPeriod = number(6)
        expiration = number(7)
        reserved = fields.count > 8 ? fields[8] : nil
        extraFields = fields.count > 9 ? Array(fields[9...]) : []
        hasMalformedNumbers = malformed
    }

    /// An optional '-' then 1...18 ASCII digits (no overflow possible); anything else is nil.
    static func parseDecimal(_ field: [UInt8]) -> Int? {
        var digits = field[...]
        var negative = false
        if digits.first == 45 /* - */ {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return negative ? -value : value
    }

    private static func set(_ value: Int?) -> Int? {
        guard let value, value >= 0 else { return nil }
        return value
    }

    /// Locked by an administrator (`passwd -l`, `usermod -L`): a `!` in front of a real hash. Such an account
    /// is never reset and never unlocked by sspr. "!" and "!!" alone mean "no password yet" instead.
    public var isAdminLocked: Bool {
        hashBytes.first == 33 /* ! */ && hashBytes.contains { $0 != 33 }
    }

    /// No password can log in: empty hash, `*` (or `*...`, e.g. `*LK*`), or `!`/`!!` with nothing behind.
    public var hasNoPassword: Bool {
        if hashBytes.isEmpty || hashBytes.first == 42 /* * */ { return true }
        return hashBytes.allSatisfy { $0 == 33 }
    }

    /// The account itself expired (field 8): pam_unix refuses it from the expiry day on (`today >= expire`).
    public func isAccountExpired(today: Int) -> Bool {
        guard let expire = ShadowEntry.set(expiration) else { return false }
        return today >= expire
    }

    /// The password must be changed: last change 0 ("must change at next login"), or older than the maximum age.
    public func isPasswordExpired(today: Int) -> Bool {
        guard let changed = ShadowEntry.set(lastChange) else { return false }
        if changed == 0 { return true }
        guard let maximum = ShadowEntry.set(maximumAge) else { return false }
        return today - changed > maximum
    }

    /// The password expired more than the inactivity period ago: pam_unix treats the account as expired.
    public func isPasswordInactive(today: Int) -> Bool {
        guard let changed = ShadowEntry.set(lastChange), changed > 0,
              let maximum = ShadowEntry.set(maximumAge), let inactive = ShadowEntry.set(inactivityPeriod)
        else { return false }
        return today - changed > maximum + inactive
    }

    /// What a reset may do with this account on `today` (days since the epoch).
    public func state(today: Int) -> ShadowAccountState {
        if isAdminLocked { return .adminLocked }
        if hasNoPassword { return .noPassword }
        if isAccountExpired(today: today) { return .accountExpired }
        if isPasswordInactive(today: today) { return .passwordInactive }
        if isPasswordExpired(today: today) { return .passwordExpired }
        return .active
    }
}
