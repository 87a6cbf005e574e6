// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// A new version of a file, written under a temporary name beside it and then renamed over it.
///
/// Guarantees: the temporary file is created by us (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, so no other user can
/// read it before its final owner and mode are set, and no planted symlink or file is ever written through).
/// Unless `commit()` succeeded, the temporary file is removed: by `discard()` or, as a safety net, when the
/// object goes away. The target is only ever replaced by one atomic rename.
final class ReplacementFile {
    let targetPath: String
    let temporaryPath: String
    private var file: OpenFile?
    private var committed = false

    /// Creates the temporary file. A leftover of the same name (a crash of an earlier writer that held the
    /// same locks as the caller) is removed first; the caller must hold the locks that guard `target`.
    init(target: String, temporary: String) throws(SystemError) {
        targetPath = target
        temporaryPath = temporary
        try FileSystem.removeIfPresent(temporary)
        file = try OpenFile(path: temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
    }

    deinit { discard() }

    private func openFile() throws(SystemError) -> OpenFile {
        guard let file, !committed else { throw SystemError(EBADF, "write", path: temporaryPath) }
        return file
    }

    func write(_ bytes: [UInt8]) throws(SystemError) {
        try openFile().writeAll(bytes)
    }

    /// Owner first, then mode: chown may clear set-id bits, so the mode is set last.
    func setOwnership(owner: UInt32, group: UInt32, mode: UInt32) throws(SystemError) {
        let file = try openFile()
        try file.changeOwner(user: owner, group: group)
        try file.changeMode(mode)
    }

    func setMode(_ mode: UInt32) throws(SystemError) {
        try openFile().changeMode(mode)
    }

    func sync() throws(SystemError) {
        try openFile().sync()
    }

    /// Renames the temporary file over the target. After this the object no longer owns a temporary file.
    func commit() throws(SystemError) {
        _ = try openFile()
        try FileSystem.rename(temporaryPath, to: targetPath)
        committed = true
        file = nil
    }

    /// Removes the temporary file unless it was committed. Safe to call more than once.
    func discard() {
        guard !committed else { return }
        if file != nil {
            file = nil
            try? FileSystem.removeIfPresent(temporaryPath)
        }
    }
}
