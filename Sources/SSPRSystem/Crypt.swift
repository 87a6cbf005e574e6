// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CCrypt
import SSPRShim

/// Password hashing through libcrypt (libxcrypt): the same hashes /etc/shadow and pam_unix use.
public enum Crypt {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badSetting(String)
        case hashingFailed
        case secretContainsNUL

        public var description: String {
            switch self {
            case .badSetting(let prefix): return "libcrypt refused the hash setting for method \(prefix)"
            case .hashingFailed: return "libcrypt could not hash the secret"
            case .secretContainsNUL: return "the secret contains a NUL byte"
            }
        }
    }

    /// A new setting (method, cost, fresh salt from the kernel) for `crypt_rn`. `prefix` nil picks libcrypt's
    /// preferred method; `cost` 0 picks the method's default cost.
    public static func makeSetting(prefix: String?, cost: UInt) throws(Failure) -> String {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let capacity = Int32(output.count)
        let ok: Bool = output.withUnsafeMutableBufferPointer { out in
            if let prefix {
                return prefix.withCString { crypt_gensalt_rn($0, cost, nil, 0, out.baseAddress, capacity) != nil }
            }
            return crypt_gensalt_rn(nil, cost, nil, 0, out.baseAddress, capacity) != nil
        }
        guard ok, output.first != 42 /* "*" */ else { throw .badSetting(prefix ?? "(default)") }
        return stringFromCChars(output)
    }

    /// Hashes `secret` with `setting` (a fresh setting or a stored hash, whose salt is then reused).
    public static func hash(_ secret: SecretBytes, setting: String) throws(Failure) -> String {
        if secret.containsNUL { throw .secretContainsNUL }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        let size = MemoryLayout<crypt_data>.size
        defer {
            sspr_secure_zero(UnsafeMutableRawPointer(data), size)
            data.deallocate()
        }
        sspr_secure_zero(UnsafeMutableRawPointer(data), size)
        let result: String? = secret.withCString { phrase in
            setting.withCString { settingPointer in
                guard let out = crypt_rn(phrase, settingPointer, UnsafeMutableRawPointer(data), Int32(size)) else {
                    return nil
                }
                let text = String(cString: out)
                return text.hasPrefix("*") ? nil : text
            }
        }
        guard let result else { throw .hashingFailed }
        return result
    }

    /// True when `secret` hashes to `storedHash`. Compared in constant time; a malformed stored hash is false.
    public static func verify(_ secret: SecretBytes, against storedHash: String) -> Bool {
        guard !storedHash.isEmpty, let computed = try? hash(secret, setting: storedHash) else { return false }
        return SecretBytes.constantTimeEquals(Array(computed.utf8), Array(storedHash.utf8))
    }

    /// The method prefix libcrypt prefers on this system ("$y$" on Debian 12).
    public static var preferredPrefix: String {
        guard let p = crypt_preferred_method() else { return "$y$" }
        return String(cString: p)
    }
}

func stringFromCChars(_ chars: [CChar]) -> String {
    let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
