// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The checks a store and its directory must pass before sspr trusts them: root-owned, not a symlink, not
/// reachable by group or others, one hard link (a second link could be a file an attacker planted elsewhere).
/// Every refusal names the path and what is wrong.
public enum StorePermissions {
    public static func checkDirectory(_ path: String) throws(SSPRError) {
        let status: FileStatus?
        do { status = try FileSystem.status(path) } catch { throw .storeUnavailable("\(error)") }
        guard let status else { throw .storeUnavailable("store directory \(path) does not exist") }
        try check(path, status, what: "store directory", kind: .directory)
    }

    public static func checkFile(_ path: String) throws(SSPRError) {
        let status: FileStatus?
        do { status = try FileSystem.status(path) } catch { throw .storeUnavailable("\(error)") }
        guard let status else { throw .storeUnavailable("store \(path) does not exist") }
        try check(path, status, what: "store", kind: .regular)
        if status.linkCount != 1 {
            throw .storeUnavailable("store \(path) has \(status.linkCount) hard links; it must have exactly one")
        }
        if status.size == 0 {
            throw .storeUnavailable("store \(path) is empty")
        }
    }

    private static func check(_ path: String, _ status: FileStatus, what: String, kind: FileStatus.Kind) throws(SSPRError) {
        if let problem = problem(status, kind: kind, forbidden: 0o077, rule: "group and others must have no access") {
            throw .storeUnavailable("\(what) \(path) \(problem)")
        }
    }

    /// What is wrong with a file only root may control, in words that follow its name ("is owned by uid 1000,
    /// not root"), or nil: it must be a `kind` (a symlink never is), owned by root, with none of the
    /// `forbidden` mode bits; `rule` says which those are. Every root-only file sspr trusts goes through this:
    /// the store and its directory, the files a store URI names, the LDAP reset account's password file.
    static func problem(_ status: FileStatus, kind: FileStatus.Kind, forbidden: UInt32, rule: String) -> String? {
        if status.kind == .symlink { return "is a symbolic link" }
        if status.kind != kind { return "is not a \(kind == .directory ? "directory" : "regular file")" }
        if status.owner != 0 { return "is owned by uid \(status.owner), not root" }
        if status.mode & forbidden != 0 { return "has mode \(octal(status.mode)); \(rule)" }
        return nil
    }

    static func octal(_ mode: UInt32) -> String {
        var digits = String(mode, radix: 8)
        while digits.count < 4 { digits = "0" + digits }
        return digits
    }
}
