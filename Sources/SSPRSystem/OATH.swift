// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import COath

/// TOTP (RFC 6238) through liboath. The secret is the raw key (not base32).
public enum OATH {
    /// The code for `time` (Unix seconds), `digits` long, `step` seconds per window, HMAC-SHA1.
    public static func totp(secret: SecretBytes, time: Int64, digits: Int = 6, step: Int = 30) -> String? {
        var out = [CChar](repeating: 0, count: 16)
        let rc: Int32 = secret.bytes.withUnsafeBufferPointer { key in
            key.withMemoryRebound(to: CChar.self) { k in
                out.withUnsafeMutableBufferPointer { o in
                    oath_totp_generate2(k.baseAddress, k.count, time_t(time), UInt32(step), 0, UInt32(digits), 0, o.baseAddress)
                }
            }
        }
        guard rc == OATH_OK.rawValue else { return nil }
        let code = stringFromCChars(out)
        out.withUnsafeMutableBytes { sspr_zero($0) }
        return code
    }

    /// The RFC 4226 HOTP value for `counter` (used by tests against the RFC vectors).
    public static func hotp(secret: SecretBytes, counter: UInt64, digits: Int = 6) -> String? {
        var out = [CChar](repeating: 0, count: 16)
        let rc: Int32 = secret.bytes.withUnsafeBufferPointer { key in
            key.withMemoryRebound(to: CChar.self) { k in
                out.withUnsafeMutableBufferPointer { o in
                    oath_hotp_generate(k.baseAddress, k.count, counter, UInt32(digits), false, Int(bitPattern: OATH_HOTP_DYNAMIC_TRUNCATION), o.baseAddress)
                }
            }
        }
        guard rc == OATH_OK.rawValue else { return nil }
        return stringFromCChars(out)
    }

    /// Decodes base32 (RFC 4648, case-insensitive, spaces and '=' padding allowed) with liboath.
    public static func base32Decode(_ text: String) -> SecretBytes? {
        let cleaned = text.filter { $0 != " " && $0 != "-" }
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        let rc = oath_base32_decode(cleaned.uppercased(), cleaned.utf8.count, &out, &length)
        guard rc == OATH_OK.rawValue, let out else { return nil }
        defer {
            sspr_secure_zero(out, length)
            free(out)
        }
        return SecretBytes(Array(UnsafeRawBufferPointer(start: out, count: length)))
    }

    /// Encodes a key as base32 without padding, for otpauth:// URIs and manual entry.
    public static func base32Encode(_ secret: SecretBytes) -> SecretBytes? {
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        let rc: Int32 = secret.bytes.withUnsafeBufferPointer { key in
            key.withMemoryRebound(to: CChar.self) { oath_base32_encode($0.baseAddress, $0.count, &out, &length) }
        }
        guard rc == OATH_OK.rawValue, let out else { return nil }
        defer {
            sspr_secure_zero(out, length)
            free(out)
        }
        let bytes = Array(UnsafeRawBufferPointer(start: out, count: length)).filter { $0 != UInt8(ascii: "=") }
        return SecretBytes(bytes)
    }
}

import Glibc
import SSPRShim

private func sspr_zero(_ buffer: UnsafeMutableRawBufferPointer) {
    sspr_secure_zero(buffer.baseAddress, buffer.count)
}
