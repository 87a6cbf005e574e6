import SSPRSystem

/// Why an update of /etc/shadow did not happen. Whatever the case, `shadow` is byte-identical to before and
/// no temporary file is left. Descriptions name users and paths, never a hash or a password.
public enum ShadowUpdateError: Error, Equatable, CustomStringConvertible {
    /// The user name is empty or contains ':', a line feed or NUL, or starts like a comment or NIS line.
    case invalidUserName
    /// The new hash is empty, contains ':', a line feed or NUL, or starts with '!' or '*'.
    case invalidNewHash
    /// The last-change day would be 0 or negative (0 means "must change").
    case invalidDay(Int)
    /// Another program held the password lock (`.pwd.lock` or `shadow.lock`) for the whole bounded wait.
    case lockBusy(path: String)
    /// Taking or checking a lock failed for another reason.
    case lockFailed(SystemError)
    /// The shadow file could not be read, or is not a regular file.
    case readFailed(SystemError)
    case notRegularFile(path: String)
    /// The user has no entry in the shadow file (any more).
    case userNotFound(user: String, path: String)
    /// The user's hash is no longer the one the flow started from: someone changed it meanwhile.
    case entryChanged(user: String, path: String)
    /// The user's entry is locked by an administrator: sspr never writes it.
    case adminLocked(user: String, path: String)
    /// The user's line has too few fields to update in place.
    case malformedEntry(user: String, path: String)
    /// The shadow file changed on disk while the new version was being written (someone ignored the locks).
    case fileChanged(path: String)
    /// Writing, syncing or installing the new file failed.
    case writeFailed(SystemError)
    /// Keeping the previous file as `shadow-` failed (the update was not made).
    case backupFailed(SystemError)
    /// login.defs or a file of the PAM password stack exists but could not be read, so the hash method is
    /// unknown (nothing was written).
    case configurationUnreadable(SystemError)
    /// The new password could not be hashed, or its hash did not verify (nothing was written).
    case hashingFailed(PasswordHasher.Failure)

    public var description: String {
        switch self {
        case .invalidUserName: return "invalid user name for a shadow update"
        case .invalidNewHash: return "the new hash is not a valid shadow hash field"
        case .invalidDay(let day): return "invalid last-change day \(day)"
        case .lockBusy(let path): return "\(path) is locked by another program; try again later"
        case .lockFailed(let error): return "could not take the password lock: \(error)"
        case .readFailed(let error): return "could not read the shadow file: \(error)"
        case .notRegularFile(let path): return "\(path) is not a regular file"
        case .userNotFound(let user, let path): return "no entry for \(user) in \(path)"
        case .entryChanged(let user, let path): return "the entry for \(user) in \(path) changed during the reset"
        case .adminLocked(let user, let path): return "the entry for \(user) in \(path) is locked by an administrator"
        case .malformedEntry(let user, let path): return "the entry for \(user) in \(path) is malformed"
        case .fileChanged(let path): return "\(path) changed while it was being rewritten"
        case .writeFailed(let error): return "could not write the new shadow file: \(error)"
        case .backupFailed(let error): return "could not keep a backup of the shadow file: \(error)"
        case .configurationUnreadable(let error): return "could not read the hash settings: \(error)"
        case .hashingFailed(let failure): return "could not hash the new password: \(failure)"
        }
    }
}
