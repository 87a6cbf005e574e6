// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// Path-level file operations, each one syscall, each failure a `SystemError` naming the path.
public enum FileSystem {
    /// `lstat`: never follows a symlink. Returns nil when the path does not exist.
    public static func status(_ path: String) throws(SystemError) -> FileStatus? {
        var st = stat()
        if lstat(path, &st) == 0 { return FileStatus(st) }
        if errno == ENOENT { return nil }
        throw SystemError.fromErrno("stat", path: path)
    }

    public static func makeDirectory(_ path: String, mode: UInt32) throws(SystemError) {
        _ = try valueOrErrno("mkdir", path: path) { mkdir(path, mode_t(mode)) }
    }

    /// mkdir -p: creates `path` with `mode` and any missing parent with `parentMode`, each set with chmod so the
    /// caller's umask does not decide. Directories that exist are left as they are.
    public static func makeDirectories(_ path: String, mode: UInt32, parentMode: UInt32 = 0o755) throws(SystemError) {
        guard try status(path) == nil else { return }
        let parent = parentDirectory(of: path)
        if parent != path && parent != "/" && parent != "." {
            try makeDirectories(parent, mode: parentMode, parentMode: parentMode)
        }
        try makeDirectory(path, mode: mode)
        try changeMode(path, mode: mode)
    }

    public static func rename(_ from: String, to: String) throws(SystemError) {
        _ = try valueOrErrno("rename", path: to) { Glibc.rename(from, to) }
    }

    public static func remove(_ path: String) throws(SystemError) {
        _ = try valueOrErrno("unlink", path: path) { unlink(path) }
    }

    /// Removes `path` if it exists; errors other than "not there" are reported.
    public static func removeIfPresent(_ path: String) throws(SystemError) {
        if unlink(path) == 0 || errno == ENOENT { return }
        throw SystemError.fromErrno("unlink", path: path)
    }

    public static func changeMode(_ path: String, mode: UInt32) throws(SystemError) {
        _ = try valueOrErrno("chmod", path: path) { chmod(path, mode_t(mode)) }
    }

    /// Reads a whole regular file, refusing symlinks (O_NOFOLLOW) and anything larger than `limit` bytes.
    public static func readFile(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        let file = try OpenFile(path: path, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        return try file.readAll(limit: limit)
    }

    /// Reads a file as text (invalid UTF-8 is repaired; callers that need bytes use `readFile`).
    public static func readText(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> String {
        String(decoding: try readFile(path, limit: limit), as: UTF8.self)
    }

    /// Writes `bytes` to `path` through a temp file and rename (mode `mode`), fsyncing file and directory.
    public static func writeAtomically(_ path: String, bytes: [UInt8], mode: UInt32) throws(SystemError) {
        let directory = parentDirectory(of: path)
        let temporary = path + ".sspr-tmp"
        try removeIfPresent(temporary)
        do {
            let file = try OpenFile(path: temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: mode)
            try file.writeAll(bytes)
            try file.changeMode(mode)
            try file.sync()
            try rename(temporary, to: path)
        } catch {
            try? removeIfPresent(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    /// fsync on a directory, so a rename in it survives a crash.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let dir = try OpenFile(path: path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try dir.sync()
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Names in a directory (without "." and "..").
    public static func listDirectory(_ path: String) throws(SystemError) -> [String] {
        guard let dir = opendir(path) else { throw SystemError.fromErrno("opendir", path: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
