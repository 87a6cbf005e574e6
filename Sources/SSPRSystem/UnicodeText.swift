import CUnistring
import Glibc
import SSPRShim

/// Unicode operations from libunistring (Debian's field library for this): case folding with NFC.
public enum UnicodeText {
    /// True when `bytes` are well-formed UTF-8.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { u8_check($0.baseAddress, $0.count) == nil }
    }

    /// Full Unicode case folding, then NFC. nil for invalid UTF-8 or a library failure.
    public static func caseFoldNFC(_ bytes: [UInt8]) -> [UInt8]? {
        guard isValidUTF8(bytes) else { return nil }
        if bytes.isEmpty { return [] }
        var length = 0
        let result = bytes.withUnsafeBufferPointer { input in
            u8_casefold(input.baseAddress, input.count, nil, uninorm_nfc_form(), nil, &length)
        }
        guard let result else { return nil }
        defer { free(result) }
        let out = Array(UnsafeBufferPointer<UInt8>(start: result, count: length))
        sspr_secure_zero(result, length)
        return out
    }
}
