// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// What `lstat`/`fstat` says about a file, reduced to what sspr's permission checks and shadow writes need.
public struct FileStatus: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case regular, directory, symlink, fifo, socket, other }
    public let kind: Kind
    public let mode: UInt32   // permission bits only (07777)
    public let owner: UInt32
    public let group: UInt32
    public let linkCount: UInt64
    public let size: Int64
    public let device: UInt64
    public let inode: UInt64
    public let modifiedSeconds: Int64
    public let modifiedNanoseconds: Int64

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: kind = .other
        }
        mode = UInt32(st.st_mode & 0o7777)
        owner = st.st_uid
        group = st.st_gid
        linkCount = UInt64(st.st_nlink)
        size = Int64(st.st_size)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        modifiedSeconds = Int64(st.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(st.st_mtim.tv_nsec)
    }
}
