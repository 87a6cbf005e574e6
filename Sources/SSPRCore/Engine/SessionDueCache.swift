// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The session reminder's cache, read by pam_sspr.so without starting the helper (pam/module/sspr_due.c):
/// `/var/lib/sspr/due/USER` holds `v1 <epoch seconds> <argument hash>` and means "nothing to say to USER before
/// that time, under these module arguments". The module also ignores it when the policy file is newer.
///
/// Only written when there was nothing to say; a stale entry can at worst delay a reminder until its time, which
/// is bounded by `maximumAge` (a method removed in between, a policy change through an included file).
public struct SessionDueCache {
    public static let maximumAge: Int64 = 24 * 3600

    public let paths: SystemPaths

    public init(paths: SystemPaths) { self.paths = paths }

    public var directory: String { paths.path("/var/lib/sspr/due") }

    /// FNV-1a 64 over each argument and its NUL, as the module computes it.
    public static func argumentHash(_ arguments: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for argument in arguments {
            for byte in Array(argument.utf8) + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x100000001b3
            }
        }
        return hash
    }

    /// When the next reminder could be due for a user whose report asks nothing now.
    public static func nextCheck(report: UserReport?, policy: Policy, now: Int64) -> Int64 {
        var due = now + maximumAge
        if let report, policy.reconfirmDays > 0, report.lastConfirmed > 0 {
            due = min(due, max(now + 60, report.lastConfirmed + Int64(policy.reconfirmDays) * 86_400))
        }
        return due
    }

    /// Records "nothing due before `due`" for `user` (root-only file in a root-only directory).
    public func record(user: String, due: Int64, arguments: [String]) throws(SystemError) {
        guard isPlausibleUserName(user) else { return }
        try FileSystem.makeDirectories(directory, mode: 0o700)
        let hex = String(SessionDueCache.argumentHash(arguments), radix: 16)
        let line = "v1 \(due) \(String(repeating: "0", count: max(0, 16 - hex.count)))\(hex)\n"
        try FileSystem.writeAtomically(directory + "/" + user, bytes: Array(line.utf8), mode: 0o600)
    }
}
