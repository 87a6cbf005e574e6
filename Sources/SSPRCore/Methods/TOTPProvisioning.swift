// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The otpauth:// URI an authenticator app scans (Google's Key URI Format). Issuer and label come from
/// `host_label`, so entries from several machines differ ("lab-07: carol", not three "sspr: carol").
/// Algorithm, digits and period are the format's defaults (SHA1, 6, 30) and are left out: a shorter URI is a
/// smaller QR code, one that fits an 80x24 terminal.
public enum TOTPProvisioning {
    public static func uri(user: String, base32Secret: String, hostLabel: String) -> String {
        let issuer = percentEncoded(hostLabel)
        return "otpauth://totp/\(issuer):\(percentEncoded(user))?secret=\(base32Secret)&issuer=\(issuer)"
    }

    /// RFC 3986 unreserved characters stay, every other byte becomes %XX (a space is %20, never '+').
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            let unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e
            if unreserved { out.append(b) } else { out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0x0f)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
