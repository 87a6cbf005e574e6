// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Unicode operations from libunistring (Debian's field library for this): case folding with NFC.
public enum UnicodeText {
    /// True when `bytes` are well-formed UTF-8.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { sspr_utf8_is_valid($0.baseAddress, $0.count) == 1 }
    }

    /// Full Unicode case folding, then NFC. nil for invalid UTF-8 or a library failure.
    public static func caseFoldNFC(_ bytes: [UInt8]) -> [UInt8]? {
        guard isValidUTF8(bytes) else { return nil }
        if bytes.isEmpty { return [] }
        var result: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = bytes.withUnsafeBufferPointer { sspr_utf8_casefold_nfc($0.baseAddress, $0.count, &result, &length) }
        guard rc == 0, let result else { return nil }
        defer {
            sspr_secure_zero(result, length)
            free(result)
        }
        return Array(UnsafeBufferPointer<UInt8>(start: result, count: length))
    }
}
