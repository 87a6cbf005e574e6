// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// How sspr stores secrets it only needs to check: libcrypt hashes with a fresh salt each.
enum SecretHasher {
    /// For low-entropy secrets a person chose (answers): libcrypt's preferred method at its default cost.
    static func slowHash(_ secret: SecretBytes) throws(SSPRError) -> String {
        try hash(secret, prefix: nil, cost: 0)
    }

    /// For high-entropy random secrets (recovery codes: ~49 bits, passes: ~79 bits) a slow hash buys nothing
    /// against guessing, which lockout limits anyway, and would make a 10-code check slow: SHA-256-crypt at
    /// its minimum rounds.
    static func fastHash(_ secret: SecretBytes) throws(SSPRError) -> String {
        try hash(secret, prefix: "$5$", cost: 1000)
    }

    private static func hash(_ secret: SecretBytes, prefix: String?, cost: UInt) throws(SSPRError) -> String {
        do {
            let setting = try Crypt.makeSetting(prefix: prefix, cost: cost)
            return try Crypt.hash(secret, setting: setting)
        } catch {
            throw .hashing(error.description)
        }
    }
}
