// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The contents of a shadow-format file as a list of lines, each kept byte for byte.
///
/// Guarantees: `bytes` equals the contents it was parsed from, and `replacingHash` changes only the hash and
/// last-change fields of one line; every other byte, including that line's other fields, extra fields and
/// the presence or absence of a final line feed, stays identical.
public struct ShadowFile: Equatable, Sendable {
    public let lines: [ShadowLine]

    public init(bytes: [UInt8]) { lines = ShadowLine.split(bytes) }

    init(lines: [ShadowLine]) { self.lines = lines }

    public var bytes: [UInt8] { lines.flatMap { $0.serialized } }

    /// The first account line named `user` (the one getspnam would return), with its position.
    public func entry(named user: String) -> (index: Int, entry: ShadowEntry)? {
        let wanted = Array(user.utf8)
        for (index, line) in lines.enumerated() {
            if let entry = ShadowEntry(line: line), entry.nameBytes == wanted { return (index, entry) }
        }
        return nil
    }

    /// A copy with line `index`'s hash set to `newHash` and its last-change day to `lastChange`.
    /// Nil when there is no account line at `index` or it has fewer than three fields (no last-change field
    /// to set: the line is not rewritten rather than reshaped).
    public func replacingHash(atLine index: Int, newHash: [UInt8], lastChange: Int) -> ShadowFile? {
        guard lines.indices.contains(index) else { return nil }
        let line = lines[index]
        guard ShadowEntry(line: line) != nil else { return nil }
        var fields = line.fields
        guard fields.count >= 3 else { return nil }
        fields[1] = newHash
        fields[2] = Array(String(lastChange).utf8)
        var newLines = lines
        newLines[index] = line.replacingFields(fields)
        return ShadowFile(lines: newLines)
    }
}
