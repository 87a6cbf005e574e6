/// The two fields of an fscrypt protector file (`/.fscrypt/protectors/<descriptor>`) that say whether it is a
/// login protector: fscrypt's `ProtectorData` protobuf, field 2 `source` (enum; 1 = pam_passphrase) and
/// field 6 `uid` (int64). The rest of the message (salt, wrapped key, costs) is skipped unread.
///
/// Why a reader of our own: two varint fields do not justify a protobuf dependency in a root process, and
/// every length is bounds-checked, so a damaged or hostile file yields nil, never a trap.
public struct FscryptProtector: Equatable, Sendable {
    public static let pamPassphraseSource: UInt64 = 1

    public let source: UInt64
    public let uid: UInt64?

    /// A login protector ("pam_passphrase" source) for `uid`: the key it wraps opens only with that
    /// account's login password.
    public func isLoginProtector(for uid: UInt32) -> Bool {
        source == FscryptProtector.pamPassphraseSource && self.uid == UInt64(uid)
    }

    /// Parses the protobuf wire format; nil when the bytes are not a well-formed message.
    public static func parse(_ bytes: [UInt8]) -> FscryptProtector? {
        var reader = Reader(bytes: bytes)
        var source: UInt64 = 0  // proto3: an absent enum is its zero value ("none")
        var uid: UInt64? = nil
        while !reader.atEnd {
            guard let key = reader.varint() else { return nil }
            let field = key >> 3
            switch key & 7 {
            case 0:
                guard let value = reader.varint() else { return nil }
                if field == 2 { source = value }
                if field == 6 { uid = value }
            case 1: guard reader.skip(8) else { return nil }
            case 2:
                guard let length = reader.varint(), length <= UInt64(bytes.count), reader.skip(Int(length)) else { return nil }
            case 5: guard reader.skip(4) else { return nil }
            default: return nil  // groups (3, 4) are not used by fscrypt; anything else is not protobuf
            }
        }
        return FscryptProtector(source: source, uid: uid)
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset >= bytes.count }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard offset < bytes.count else { return nil }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7f) << UInt64(shift)
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }

        mutating func skip(_ count: Int) -> Bool {
            guard count >= 0, count <= bytes.count - offset else { return false }
            offset += count
            return true
        }
    }
}
