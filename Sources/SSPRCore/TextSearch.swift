// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// The engine links no Foundation and no _StringProcessing (the module must stay small), so substring search
// and replacement are done here on UTF-8 bytes.
extension String {
    /// True when `needle` occurs in the string (byte-wise on UTF-8).
    func includes(_ needle: String) -> Bool { range(ofBytes: needle) != nil }

    /// Every occurrence of `needle` replaced by `replacement`.
    func replacingAll(_ needle: String, with replacement: String) -> String {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty, hay.count >= pattern.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0
        while i < hay.count {
            if i + pattern.count <= hay.count && hay[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement.utf8)
                i += pattern.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func range(ofBytes needle: String) -> Int? {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        if pattern.isEmpty { return 0 }
        guard hay.count >= pattern.count else { return nil }
        for start in 0...(hay.count - pattern.count) where hay[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
