// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// A failed system call: what was attempted, on which path, and the errno it returned.
/// The description never contains user secrets, only operation names and paths.
public struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String
    public let path: String?

    public init(_ code: Int32, _ operation: String, path: String? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
    }

    /// The calling thread's current errno, captured right after a failed call.
    public static func fromErrno(_ operation: String, path: String? = nil) -> SystemError {
        SystemError(errno, operation, path: path)
    }

    public var description: String {
        let reason = String(cString: strerror(code))
        if let path { return "\(operation) \(path): \(reason)" }
        return "\(operation): \(reason)"
    }
}

/// Runs a syscall-style function (returns -1 and sets errno on failure), retrying on EINTR.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(_ operation: String, path: String? = nil, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let value = body()
        if value != -1 { return value }
        if errno == EINTR { continue }
        throw SystemError.fromErrno(operation, path: path)
    }
}
