// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

/// Old password hashes in `<root>/etc/security/opasswd`, in pam_pwhistory's format
/// (`user:uid:count:hash1,hash2,...`, oldest first), so pam_pwhistory and sspr share one history.
///
/// Guarantees: with `remember` 0 nothing is read or written. `record` keeps at most the newest `remember`
/// hashes for the user, never stores a hash twice in a row or a non-hash (`!`, `*`, empty), copies every other
/// line byte for byte, and replaces the file atomically (temp file, fsync, rename) with mode 0600, owned by
/// root when running as root, under lckpwdf's lock. `contains` only verifies hashes with libcrypt; the
/// candidate password never leaves its `SecretBytes`.
public struct PasswordHistory {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidUserName
        case lockBusy(path: String)
        case lockFailed(SystemError)
        case readFailed(SystemError)
        case writeFailed(SystemError)

        public var description: String {
            switch self {
            case .invalidUserName: return "invalid user name for the password history"
            case .lockBusy(let path): return "\(path) is locked by another program; try again later"
            case .lockFailed(let error): return "could not take the password lock: \(error)"
            case .readFailed(let error): return "could not read the password history: \(error)"
            case .writeFailed(let error): return "could not write the password history: \(error)"
            }
        }
    }

    public let paths: SystemPaths
    public let remember: Int
    public var lockTimeoutMilliseconds: Int

    public init(paths: SystemPaths, remember: Int, lockTimeoutMilliseconds: Int = 15_000) {
        self.paths = paths
        self.remember = remember
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    public var path: String { paths.opasswd }

    /// The user's remembered hashes, oldest first (at most the newest `remember`).
    public func hashes(for user: String) throws(Failure) -> [String] {
        guard remember > 0 else { return [] }
        guard ShadowWriter.isValidUserName(user) else { throw .invalidUserName }
        let lines = try readLines()
        guard let index = PasswordHistory.lineIndex(of: user, in: lines), lines.indices.contains(index) else { return [] }
        return PasswordHistory.hashList(lines[index]).suffix(remember).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `password` matches one of the user's remembered hashes.
    public func contains(user: String, password: SecretBytes) throws(Failure) -> Bool {
        var found = false
        // Every hash is tried, so the time taken does not say which one matched.
        for hash in try hashes(for: user) where Crypt.verify(password, against: hash) { found = true }
        return found
    }

    /// Adds `oldHash` as the user's newest remembered hash. Returns false when nothing needed writing.
    @discardableResult
    public func record(user: String, uid: UInt32, oldHash: String) throws(Failure) -> Bool {
        guard remember > 0 else { return false }
        guard ShadowWriter.isValidUserName(user) else { throw .invalidUserName }
        let hash = Array(oldHash.utf8)
        guard ShadowWriter.isValidHash(oldHash), !hash.contains(44 /* , */) else { return false }

        let lock: PasswordFileLock
        do {
            lock = try PasswordFileLock.acquire(path: paths.passwordLock, timeoutMilliseconds: lockTimeoutMilliseconds)
        } catch {
            switch error {
            case .busy(let path): throw .lockBusy(path: path)
            case .failed(let systemError): throw .lockFailed(systemError)
            }
        }
        defer { lock.release() }

        var lines = try readLines()
        let user8 = Array(user.utf8)
        if let index = PasswordHistory.lineIndex(of: user, in: lines), lines.indices.contains(index) {
            let line = lines[index]
            var list = PasswordHistory.hashList(line)
            if list.last == hash { return false }
            list.append(hash)
            let kept = Array(list.suffix(remember))
            let fields = line.fields
            // pam_pwhistory keeps the uid already on the line.
            let existingUID = fields.count > 1 ? fields[1] : []
            let uidField = existingUID.isEmpty ? Array(String(uid).utf8) : existingUID
            lines[index] = PasswordHistory.makeLine(user8, uidField, kept, endsWithNewline: line.endsWithNewline)
        } else {
            // Appending after a last line without a line feed must end that line first.
            if let last = lines.last, !last.endsWithNewline {
                lines[lines.count - 1] = ShadowLine(bytes: last.bytes, endsWithNewline: true)
            }
            lines.append(PasswordHistory.makeLine(user8, Array(String(uid).utf8), [hash], endsWithNewline: true))
        }
        try write(lines.flatMap { $0.serialized })
        return true
    }

    private func readLines() throws(Failure) -> [ShadowLine] {
        do {
            return ShadowLine.split(try FileSystem.readFile(path, limit: 16 << 20))
        } catch let error where error.code == ENOENT {
            return []
        } catch {
            throw .readFailed(error)
        }
    }

    private func write(_ bytes: [UInt8]) throws(Failure) {
        do throws(SystemError) {
            let replacement = try ReplacementFile(target: path, temporary: path + "+")
            do {
                try replacement.write(bytes)
                if ProcessIdentity.effectiveUID == 0 {
                    try replacement.setOwnership(owner: 0, group: 0, mode: 0o600)
                } else {
                    try replacement.setMode(0o600)
                }
                try replacement.sync()
                try replacement.commit()
            } catch {
                replacement.discard()
                throw error
            }
            try FileSystem.syncDirectory(FileSystem.parentDirectory(of: path))
        } catch {
            throw .writeFailed(error)
        }
    }

    static func lineIndex(of user: String, in lines: [ShadowLine]) -> Int? {
        let wanted = Array(user.utf8)
        return lines.firstIndex { line in
            !line.isCommentOrNIS && line.fields.first == wanted
        }
    }

    /// The hashes of a `user:uid:count:list` line; empty for a line without a list.
    static func hashList(_ line: ShadowLine) -> [[UInt8]] {
        let fields = line.fields
        guard fields.count >= 4 else { return [] }
        return fields[3].split(separator: 44, omittingEmptySubsequences: true).map { Array($0) }
    }

    static func makeLine(_ user: [UInt8], _ uid: [UInt8], _ hashes: [[UInt8]], endsWithNewline: Bool) -> ShadowLine {
        var bytes = user + [58] + uid + [58] + Array(String(hashes.count).utf8) + [58]
        for (i, hash) in hashes.enumerated() {
            if i > 0 { bytes.append(44) }
            bytes.append(contentsOf: hash)
        }
        return ShadowLine(bytes: bytes, endsWithNewline: endsWithNewline)
    }
}
