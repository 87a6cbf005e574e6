// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// One frame of the reset protocol between pam_sspr.so and sspr-reset (docs/reset-protocol.md):
///
///     frame = length:u32be  kind:u8  field*      length = 1 + size of the fields, 1 ... 65536
///     field = length:u16be  bytes
///
/// Pure Swift without Foundation, so the decoder can be fuzzed on its own (fuzz/ResetProtocolFuzz.swift).
/// Decoding is strict: a length out of bounds, too many fields, or a field running past the frame is an error,
/// never a guess.
public struct ResetFrame: Equatable, Sendable {
    public static let maximumLength = 65536
    public static let maximumFields = 72

    public var kind: UInt8
    public var fields: [[UInt8]]

    public init(kind: UInt8, fields: [[UInt8]]) {
        self.kind = kind
        self.fields = fields
    }

    /// The frame's bytes, header included. Throws when a field or the whole would exceed the limits.
    public func encoded() throws(ResetProtocolError) -> [UInt8] {
        guard fields.count <= ResetFrame.maximumFields else { throw .tooManyFields }
        var body: [UInt8] = [kind]
        for field in fields {
            guard field.count <= 0xffff else { throw .fieldTooLong }
            body.append(UInt8(truncatingIfNeeded: field.count >> 8))
            body.append(UInt8(truncatingIfNeeded: field.count))
            body.append(contentsOf: field)
        }
        guard body.count <= ResetFrame.maximumLength else { throw .frameTooLong }
        let n = body.count
        return [UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16),
                UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + body
    }

    /// The payload length announced by a 4-byte header, or an error when it is out of bounds.
    public static func payloadLength(header: [UInt8]) throws(ResetProtocolError) -> Int {
        guard header.count == 4 else { throw .truncated }
        let n = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard n >= 1, n <= maximumLength else { throw .frameTooLong }
        return n
    }

    /// Decodes a payload (kind byte and fields, without the length header).
    public static func decode(payload: [UInt8]) throws(ResetProtocolError) -> ResetFrame {
        guard let kind = payload.first else { throw .truncated }
        guard payload.count <= maximumLength else { throw .frameTooLong }
        var fields: [[UInt8]] = []
        var at = 1
        while at < payload.count {
            guard fields.count < maximumFields else { throw .tooManyFields }
            guard payload.count - at >= 2 else { throw .truncated }
            let n = Int(payload[at]) << 8 | Int(payload[at + 1])
            at += 2
            guard n <= payload.count - at else { throw .truncated }
            fields.append(Array(payload[at..<(at + n)]))
            at += n
        }
        return ResetFrame(kind: kind, fields: fields)
    }

    /// Zeroes the fields (replies carry secrets).
    public mutating func wipe() {
        for i in fields.indices {
            for j in fields[i].indices { fields[i][j] = 0 }
        }
        fields.removeAll()
    }
}

/// Why bytes from the other side are not a valid frame or message. Any of these ends the reset.
public enum ResetProtocolError: Error, Equatable, Sendable {
    case truncated
    case frameTooLong
    case fieldTooLong
    case tooManyFields
    case unexpectedKind(UInt8)
    case wrongProtocol
    case malformed(String)
}
