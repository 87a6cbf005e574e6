// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRShim

/// Process-wide memory hygiene for sspr's own programs (ssprd, sspr), never for the PAM module's host.
public enum MemoryHygiene {
    /// From now on, freed heap blocks are overwritten: secrets that passed through ordinary strings and buffers
    /// (JSON decoding, socket reads) do not stay readable in freed memory or in a core dump.
    public static func scrubFreedMemory() { sspr_scrub_freed_memory() }

    /// Zeroes a byte array in place (the same storage, not a copy-on-write copy) and empties it.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { sspr_secure_zero($0.baseAddress, $0.count) }
        bytes.removeAll()
    }
}
