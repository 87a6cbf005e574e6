import Glibc

/// An open directory, closed at deinit, through which names are looked up relative to the descriptor and
/// never through a symlink (`openat`/`fstatat`/`linkat` with O_NOFOLLOW, AT_SYMLINK_NOFOLLOW).
///
/// Why: the reset runs as root and looks into a user's home, which that user controls. Walking by path
/// (`/home/alice/.local/share/keyrings/login.keyring`) would follow a symlink the user planted anywhere on the
/// way (`.local -> /etc`), and a rename by path could be raced. Walking one name at a time from a directory
/// descriptor, refusing symlinks at every step, keeps every lookup and every rename inside the directory that
/// was actually opened.
public final class DirectoryHandle {
    public let descriptor: Int32
    /// For messages only; the descriptor, not this path, is what operations use.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens an absolute directory path. Symlinks in the parents are followed (an administrator's `/home ->
    /// /data/home`); the last component must not be one. Nil when it does not exist or is not a directory.
    public static func open(_ path: String) throws(SystemError) -> DirectoryHandle? {
        try openMissingIsNil(path) { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
    }

    /// The subdirectory `name` (one component, no "/"), not following a symlink. Nil when it does not exist,
    /// is a symlink or is not a directory.
    public func directory(_ name: String) throws(SystemError) -> DirectoryHandle? {
        guard DirectoryHandle.isSingleComponent(name) else { return nil }
        return try DirectoryHandle.openMissingIsNil(path + "/" + name) {
            openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        }
    }

    /// `fstatat` without following a symlink; nil when `name` does not exist.
    public func status(_ name: String) throws(SystemError) -> FileStatus? {
        guard DirectoryHandle.isSingleComponent(name) else { return nil }
        var st = stat()
        if fstatat(descriptor, name, &st, AT_SYMLINK_NOFOLLOW) == 0 { return FileStatus(st) }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw SystemError.fromErrno("fstatat", path: path + "/" + name)
    }

    /// Reads the regular file `name` (not a symlink, not a FIFO or device: O_NONBLOCK and a check of the opened
    /// file), at most `limit` bytes. Nil when it does not exist or is not a regular file.
    public func readFile(_ name: String, limit: Int) throws(SystemError) -> [UInt8]? {
        guard DirectoryHandle.isSingleComponent(name) else { return nil }
        let full = path + "/" + name
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if fd < 0 {
            if errno == ENOENT || errno == ELOOP || errno == ENXIO { return nil }
            throw SystemError.fromErrno("openat", path: full)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SystemError.fromErrno("fstat", path: full) }
        guard FileStatus(st).kind == .regular else { return nil }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = try valueOrErrno("read", path: full) { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit { throw SystemError(EFBIG, "read", path: full) }
        }
    }

    /// The names in this directory (without "." and ".."), at most `limit` of them: a directory the user filled
    /// with a million entries costs no more than `limit` reads.
    public func names(limit: Int) throws(SystemError) -> [String] {
        // fdopendir takes ownership of the descriptor it is given: hand it a duplicate.
        let copy = try valueOrErrno("dup", path: path) { fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        guard let dir = fdopendir(copy) else {
            close(copy)
            throw SystemError.fromErrno("fdopendir", path: path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while names.count < limit, let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Gives the entry `name` the new name `newName` in this same directory, never replacing an existing entry
    /// (EEXIST). Done as `linkat` + `unlinkat` rather than `rename`: rename would silently replace whatever the
    /// user placed at `newName`, and glibc's renameat2(RENAME_NOREPLACE) is not available on every filesystem.
    public func renameWithoutReplacing(_ name: String, to newName: String) throws(SystemError) {
        guard DirectoryHandle.isSingleComponent(name), DirectoryHandle.isSingleComponent(newName) else {
            throw SystemError(EINVAL, "rename", path: path + "/" + name)
        }
        _ = try valueOrErrno("linkat", path: path + "/" + newName) { linkat(descriptor, name, descriptor, newName, 0) }
        _ = try valueOrErrno("unlinkat", path: path + "/" + name) { unlinkat(descriptor, name, 0) }
    }

    /// fsync on the directory, so a rename in it survives a crash.
    public func sync() throws(SystemError) {
        _ = try valueOrErrno("fsync", path: path) { fsync(descriptor) }
    }

    /// The directory's own status (the opened directory, whatever its path says now).
    public func status() throws(SystemError) -> FileStatus {
        var st = stat()
        _ = try valueOrErrno("fstat", path: path) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    private static func isSingleComponent(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(0x2f) && !name.utf8.contains(0)
    }

    /// Runs an open call; "does not exist", "is a symlink" (ELOOP) and "not a directory" become nil.
    private static func openMissingIsNil(_ path: String, _ call: () -> Int32) throws(SystemError) -> DirectoryHandle? {
        while true {
            let fd = call()
            if fd >= 0 { return DirectoryHandle(descriptor: fd, path: path) }
            switch errno {
            case EINTR: continue
            case ENOENT, ELOOP, ENOTDIR: return nil
            default: throw SystemError.fromErrno("open", path: path)
            }
        }
    }
}
