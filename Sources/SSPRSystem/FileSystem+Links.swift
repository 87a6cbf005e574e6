import Glibc

extension FileSystem {
    /// `linkat` without AT_SYMLINK_FOLLOW: creates `newPath` as a second name for `existing` itself (a symlink
    /// stays a symlink). Fails with EEXIST when `newPath` exists, which lock files rely on.
    public static func link(_ existing: String, to newPath: String) throws(SystemError) {
        _ = try valueOrErrno("link", path: newPath) { linkat(AT_FDCWD, existing, AT_FDCWD, newPath, 0) }
    }
}
