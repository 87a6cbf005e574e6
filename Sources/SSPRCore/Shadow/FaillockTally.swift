// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// pam_faillock's per-user tally file, `<root>/var/run/faillock/<user>`: after a successful reset the user's
/// recorded failures are cleared, as `faillock --user U --reset` would.
///
/// Guarantees: only a name that is a single path component, not starting with '.', is ever used; the tally
/// directory must be a real directory (not a symlink); the tally is removed by unlink, which never follows a
/// symlink, so nothing outside the directory can be touched. A missing directory or file is not an error.
public enum FaillockTally {
    public enum Outcome: Equatable, Sendable { case removed, absent }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidUserName
        case notADirectory(path: String)
        case notAFile(path: String)
        case failed(SystemError)

        public var description: String {
            switch self {
            case .invalidUserName: return "invalid user name for a faillock tally"
            case .notADirectory(let path): return "\(path) is not a directory"
            case .notAFile(let path): return "\(path) is not a regular file"
            case .failed(let error): return "could not reset the faillock tally: \(error)"
            }
        }
    }

    public static func isValidUserName(_ user: String) -> Bool {
        let bytes = Array(user.utf8)
        guard let first = bytes.first, first != 46 /* . */, bytes.count <= 256 else { return false }
        return !bytes.contains { $0 == 47 /* / */ || $0 == 0 }
    }

    @discardableResult
    public static func reset(user: String, paths: SystemPaths) throws(Failure) -> Outcome {
        guard isValidUserName(user) else { throw .invalidUserName }
        let directory = paths.faillockDirectory
        let tally = directory + "/" + user
        let dirStatus: FileStatus?
        let status: FileStatus?
        do {
            dirStatus = try FileSystem.status(directory)
            status = dirStatus?.kind == .directory ? try FileSystem.status(tally) : nil
        } catch {
            throw .failed(error)
        }
        guard let dirStatus else { return .absent }
        // lstat: a symlink in place of the directory is refused, never followed.
        guard dirStatus.kind == .directory else { throw .notADirectory(path: directory) }
        guard let status else { return .absent }
        // A symlink is removed as a link (unlink never follows it); a directory or device is left alone.
        guard status.kind == .regular || status.kind == .symlink else { throw .notAFile(path: tally) }
        do {
            try FileSystem.removeIfPresent(tally)
        } catch {
            throw .failed(error)
        }
        return .removed
    }
}
