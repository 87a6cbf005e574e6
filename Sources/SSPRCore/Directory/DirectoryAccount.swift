// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// An account whose password lives in the directory: its entry's DN (found before any proof is asked, written
/// to at the end) and the local uid that binds its registrations. It has no /etc/shadow line to need.
public struct DirectoryAccount: Equatable, Sendable {
    public let dn: String
    public let uid: UInt32

    /// Finds the entry and refuses a locked or expired one with the words the shadow checks use
    /// (`.notAvailable`, the reason for the log only).
    public static func check(user: String, directory: DirectoryConnection, paths: SystemPaths,
                             now: Int64) throws(SSPRError) -> DirectoryAccount {
        guard let account = AccountDirectory(paths: paths).account(named: user) else { throw .notAvailable("no passwd entry") }
        let entry = try directory.entry(of: user)
        if let problem = identityProblem(of: entry, user: user, uid: account.uid, matchUIDNumber: directory.settings.matchUIDNumber) {
            throw .notAvailable("directory entry \(entry.dn) \(problem)")
        }
        if let problem = state(of: entry, now: now) { throw .notAvailable("directory entry \(entry.dn) \(problem)") }
        return DirectoryAccount(dn: entry.dn, uid: account.uid)
    }

    /// Why the entry is not the local account's, or nil. The search found it under LDAP's matching rules (uid is
    /// caseIgnoreMatch: `Alice`, a fullwidth `ａlice` or `alice` with a trailing no-break space all find
    /// `uid=alice`), so the entry must carry a `uid` value byte for byte the local name; and an entry with a
    /// `uidNumber` must have the local account's uid (unless `ldap_match_uid_number = no`).
    public static func identityProblem(of entry: LDAPEntry, user: String, uid: UInt32, matchUIDNumber: Bool) -> String? {
        let name = Array(user.utf8)
        guard entry.values("uid").contains(where: { Array($0.utf8) == name }) else {
            return "has no uid value byte-identical to the local name"
        }
        let numbers = entry.values("uidNumber")
        if matchUIDNumber && !numbers.isEmpty && !numbers.contains(String(uid)) {
            return "has uidNumber \(numbers.joined(separator: ",")), not the local uid \(uid)"
        }
        return nil
    }

    /// Why the entry cannot be reset, or nil. slapo-ppolicy marks a locked account with pwdAccountLockedTime
    /// (any value: a lockout, or "000001010000Z" for an administrator's lock); pwdEndTime ends the password's
    /// validity; shadowExpire (days since 1970, as in /etc/shadow) ends the account from that day on.
    public static func state(of entry: LDAPEntry, now: Int64) -> String? {
        if !entry.values("pwdAccountLockedTime").isEmpty { return "is locked (pwdAccountLockedTime)" }
        if let text = entry.values("shadowExpire").first {
            guard let day = Int64(text) else { return "has an unreadable shadowExpire" }
            if day >= 0 && now / ShadowDay.secondsPerDay >= day { return "is expired (shadowExpire)" }
        }
        if let text = entry.values("pwdEndTime").first {
            guard let end = generalizedTime(text) else { return "has an unreadable pwdEndTime" }
            if now >= end { return "is past its pwdEndTime" }
        }
        return nil
    }

    /// Seconds since 1970 of an LDAP GeneralizedTime in UTC, "YYYYMMDDHHMMSSZ" with an optional fraction
    /// (what slapd writes); nil for any other form.
    public static func generalizedTime(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 15, bytes.last == UInt8(ascii: "Z"), bytes[..<14].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        func number(_ from: Int, _ count: Int) -> Int64 {
            bytes[from..<(from + count)].reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        let (month, day, hour, minute, second) = (number(4, 2), number(6, 2), number(8, 2), number(10, 2), number(12, 2))
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return CivilDate.days(year: number(0, 4), month: month, day: day) * ShadowDay.secondsPerDay
            + hour * 3_600 + minute * 60 + second
    }
}
