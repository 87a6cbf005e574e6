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
        if status.kind == .symlink { throw .storeUnavailable("\(what) \(path) is a symbolic link") }
        if status.kind != kind {
            throw .storeUnavailable("\(what) \(path) is not a \(kind == .directory ? "directory" : "regular file")")
        }
        if status.owner != 0 { throw .storeUnavailable("\(what) \(path) is owned by uid \(status.owner), not root") }
        if status.mode & 0o077 != 0 {
            throw .storeUnavailable("\(what) \(path) has mode \(octal(status.mode)); group and others must have no access")
        }
    }

    static func octal(_ mode: UInt32) -> String {
        var digits = String(mode, radix: 8)
        while digits.count < 4 { digits = "0" + digits }
        return digits
    }
}
