// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Random one-time codes people read and type: an alphabet without look-alikes (no 0/O, 1/I/L), grouped.
enum RandomCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ".utf8)

    /// `groups` groups of `groupLength` characters joined by '-', e.g. "7KQ2M-XH4PD".
    static func make(groups: Int, groupLength: Int) throws(SSPRError) -> SecretBytes {
        var out: [UInt8] = []
        for g in 0..<groups {
            if g > 0 { out.append(UInt8(ascii: "-")) }
            for _ in 0..<groupLength {
                do {
                    let index = Int(try SecureRandom.uniform(UInt32(alphabet.count)))
                    out.append(index < alphabet.count ? alphabet[index] : alphabet[0])
                } catch {
                    throw .system(error)
                }
            }
        }
        return SecretBytes(out)
    }

    /// True when `typed`, normalised, is `length` characters of the alphabet: something `make` could have made.
    static func isWellFormed(_ typed: SecretBytes, length: Int) -> Bool {
        let code = normalise(typed)
        return code.count == length && code.bytes.allSatisfy { alphabet.contains($0) }
    }

    /// What the user typed, reduced to the code's characters: uppercase, without spaces and dashes.
    static func normalise(_ typed: SecretBytes) -> SecretBytes {
        var out: [UInt8] = []
        out.reserveCapacity(typed.count)
        for b in typed.bytes where b != UInt8(ascii: "-") && b != UInt8(ascii: " ") && b != UInt8(ascii: "\t") {
            out.append(b >= 0x61 && b <= 0x7a ? b - 0x20 : b)
        }
        return SecretBytes(out)
    }
}
