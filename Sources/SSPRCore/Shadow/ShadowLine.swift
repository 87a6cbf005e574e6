// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// One line of a shadow-format file exactly as stored: its bytes without the line feed, and whether a line
/// feed ended it (the last line of a file may have none).
///
/// Guarantees: `serialized` reproduces the original bytes exactly, and `fields` splits losslessly, so joining
/// the fields with ":" gives `bytes` back. Nothing is trimmed, decoded or normalised: comments, NIS `+`/`-`
/// lines, malformed lines and stray carriage returns all survive a rewrite untouched.
public struct ShadowLine: Equatable, Sendable {
    public let bytes: [UInt8]
    public let endsWithNewline: Bool

    public init(bytes: [UInt8], endsWithNewline: Bool) {
        self.bytes = bytes
        self.endsWithNewline = endsWithNewline
    }

    static let colon: UInt8 = 58
    static let newline: UInt8 = 10

    /// The colon-separated fields, empty ones included (a line with no colon is one field).
    public var fields: [[UInt8]] {
        bytes.split(separator: ShadowLine.colon, omittingEmptySubsequences: false).map { Array($0) }
    }

    /// The line's bytes followed by its line feed, if it had one.
    public var serialized: [UInt8] {
        endsWithNewline ? bytes + [ShadowLine.newline] : bytes
    }

    /// True for a comment (`#`) or a NIS compat line (`+`/`-`): never an account of this file.
    public var isCommentOrNIS: Bool {
        guard let first = bytes.first else { return false }
        return first == 35 /* # */ || first == 43 /* + */ || first == 45 /* - */
    }

    /// This line with `fields` put back together; the line-feed state is kept.
    func replacingFields(_ newFields: [[UInt8]]) -> ShadowLine {
        var joined: [UInt8] = []
        for (i, field) in newFields.enumerated() {
            if i > 0 { joined.append(ShadowLine.colon) }
            joined.append(contentsOf: field)
        }
        return ShadowLine(bytes: joined, endsWithNewline: endsWithNewline)
    }

    /// Splits file contents into lines. Lossless: concatenating every line's `serialized` gives `contents`.
    public static func split(_ contents: [UInt8]) -> [ShadowLine] {
        var lines: [ShadowLine] = []
        var current: [UInt8] = []
        for byte in contents {
            if byte == newline {
                lines.append(ShadowLine(bytes: current, endsWithNewline: true))
                current = []
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { lines.append(ShadowLine(bytes: current, endsWithNewline: false)) }
        return lines
    }
}
