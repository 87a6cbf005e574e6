// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Why a password-database lock could not be taken.
public enum LockFailure: Error, Equatable, CustomStringConvertible {
    /// Someone else held it for the whole bounded wait.
    case busy(path: String)
    /// A system call failed while taking it.
    case failed(SystemError)

    public var description: String {
        switch self {
        case .busy(let path): return "\(path) is locked by another program"
        case .failed(let error): return error.description
        }
    }
}
