// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Security-question answers are compared after normalisation (SPEC section 4): trimmed, runs of white space
/// collapsed to one space, Unicode case-folded and NFC-normalised (libunistring). "  Main   Street " and
/// "main street" are the same answer; "Straße" and "STRASSE" too.
public enum AnswerNormaliser {
    public static let minimumLength = 3
    public static let maximumLength = 40

    public enum Problem: Error, Equatable {
        case invalidText
        case tooShort
        case tooLong
    }

    public static func normalise(_ answer: SecretBytes) throws(Problem) -> SecretBytes {
        guard !answer.containsNUL, let caseFolded = UnicodeText.caseFoldNFC(answer.bytes) else { throw .invalidText }
        let folded = SecretBytes(caseFolded)  // wiped when it goes out of scope
        var out: [UInt8] = []
        out.reserveCapacity(folded.count)
        var pendingSpace = false
        for b in folded.bytes {
            if b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d || b == 0x0b || b == 0x0c {
                pendingSpace = !out.isEmpty
                continue
            }
            if b < 0x20 || b == 0x7f { throw .invalidText }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(b)
        }
        let normalised = SecretBytes(out)
        // Length in Unicode scalars: count the bytes that start a UTF-8 sequence.
        let length = out.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        if length < minimumLength { throw .tooShort }
        if length > maximumLength { throw .tooLong }
        return normalised
    }
}
