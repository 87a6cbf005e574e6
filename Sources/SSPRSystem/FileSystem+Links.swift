import Glibc

extension FileSystem {
    /// `linkat` without AT_SYMLINK_FOLLOW: creates `newPath` as a second name for `existing` itself (a symlink
    /// stays a symlink). Fails with EEXIST when `newPath` exists, which lock files rely on.
    public static func link(_ existing: String, to newPath: String) throws(SystemError) {
        _ = try valueOrErrno("link", path: newPath) { linkat(AT_FDCWD, existing, AT_FDCWD, newPath, 0) }
    }
}

extension FileSystem {
    /// The target of the symbolic link `path` (EINVAL when `path` is not a link).
    public static func readLink(_ path: String) throws(SystemError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try valueOrErrno("readlink", path: path) {
            buffer.withUnsafeMutableBufferPointer { out -> Int in
                guard let base = out.baseAddress else { return -1 }
                return readlink(path, base, out.count - 1)
            }
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
