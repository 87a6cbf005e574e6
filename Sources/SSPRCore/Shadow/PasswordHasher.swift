// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Hashes a new password for /etc/shadow with a fresh salt, and proves the hash before handing it out.
///
/// Guarantees: a returned hash was produced by libcrypt for `password` with the requested method, verifies
/// against `password` with `Crypt.verify` (crypt_rn), and is a valid shadow hash field (no ':', no line feed,
/// not starting with '!' or '*'). The password is never copied into a `String`.
public enum PasswordHasher {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case emptyPassword
        case crypt(Crypt.Failure)
        /// libcrypt produced a hash that does not verify or cannot be stored: never written.
        case verificationFailed

        public var description: String {
            switch self {
            case .emptyPassword: return "an empty password is never hashed"
            case .crypt(let failure): return failure.description
            case .verificationFailed: return "the new hash did not verify; nothing was written"
            }
        }
    }

    public static func hash(_ password: SecretBytes, method: HashMethod) throws(Failure) -> String {
        guard !password.isEmpty else { throw .emptyPassword }
        let result: String
        do {
            let setting = try Crypt.makeSetting(prefix: method.prefix, cost: method.cost)
            result = try Crypt.hash(password, setting: setting)
        } catch {
            throw .crypt(error)
        }
        guard ShadowWriter.isValidHash(result), Crypt.verify(password, against: result) else {
            throw .verificationFailed
        }
        return result
    }
}
