// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRShim

/// Bytes of a secret (a password, a code, an answer, a TOTP key). They are zeroed when the last reference goes
/// away, compared only in constant time, and never turned into a `String` by this type: there is no
/// `description` that could leak into a log.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    public private(set) var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public convenience init(copying text: String) { self.init(Array(text.utf8)) }

    deinit { wipe() }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Zeroes the bytes now (they are zeroed again at deinit).
    public func wipe() {
        bytes.withUnsafeMutableBytes { sspr_secure_zero($0.baseAddress, $0.count) }
        bytes.removeAll(keepingCapacity: false)
    }

    /// Constant-time equality: the time depends on the lengths only, never on where the bytes differ.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        SecretBytes.constantTimeEquals(bytes, other.bytes)
    }

    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let n = max(a.count, b.count)
        var i = 0
        while i < n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
            i += 1
        }
        return diff == 0
    }

    /// Calls `body` with a NUL-terminated copy of the bytes, zeroed after the call.
    public func withCString<R>(_ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
        var copy = bytes.map { CChar(bitPattern: $0) }
        copy.append(0)
        defer { copy.withUnsafeMutableBytes { sspr_secure_zero($0.baseAddress, $0.count) } }
        return try copy.withUnsafeBufferPointer { try body($0.baseAddress) }
    }

    /// True when the bytes contain a NUL (a C API would silently cut the secret there).
    public var containsNUL: Bool { bytes.contains(0) }

    public var description: String { "<secret: \(bytes.count) bytes>" }
}
