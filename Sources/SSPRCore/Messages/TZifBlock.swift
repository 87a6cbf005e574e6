/// One header and data block of a TZif file (RFC 8536 section 3): transition times (4-byte in version 1's
/// block, 8-byte in the block of version 2 and later), the local type each starts, and the local types.
/// Leap-second and standard/UT indicator records are skipped: they do not change local time.
struct TZifBlock {
    let transitions: [Int64]
    let transitionTypes: [Int]
    let types: [SystemTimeZone.LocalType]
    /// Offset of the first byte after the block.
    let end: Int

    /// nil when the header is not TZif's, a count is absurd, the block runs past the data, or an index is out
    /// of range.
    init?(_ bytes: [UInt8], at start: Int, timeSize: Int) {
        let headerSize = 44
        guard start >= 0, bytes.count >= start + headerSize, Array(bytes[start..<(start + 4)]) == Array("TZif".utf8) else {
            return nil
        }
        func unsigned32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        func signed(_ at: Int, _ size: Int) -> Int64 {
            var value: UInt64 = 0
            for i in 0..<size { value = value << 8 | UInt64(bytes[at + i]) }
            let shift = UInt64(64 - size * 8)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        let counts = (0..<6).map { unsigned32(start + 20 + 4 * $0) }
        let (utCount, standardCount, leapCount, timeCount, typeCount, charCount) = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
        // Real files hold a few thousand transitions at most; the bound keeps a hostile file cheap.
        guard typeCount >= 1, typeCount <= 256, timeCount <= 100_000, charCount <= 4_096, leapCount <= 10_000,
              utCount <= typeCount, standardCount <= typeCount else { return nil }
        var offset = start + headerSize
        let size = timeCount * timeSize + timeCount + typeCount * 6 + charCount + leapCount * (timeSize + 4) + standardCount + utCount
        guard bytes.count >= offset + size else { return nil }

        transitions = (0..<timeCount).map { signed(offset + $0 * timeSize, timeSize) }
        offset += timeCount * timeSize
        transitionTypes = (0..<timeCount).map { Int(bytes[offset + $0]) }
        offset += timeCount
        let typeStart = offset, charStart = offset + typeCount * 6
        var types: [SystemTimeZone.LocalType] = []
        for i in 0..<typeCount {
            let record = typeStart + i * 6
            let abbreviationIndex = Int(bytes[record + 5])
            guard abbreviationIndex < max(charCount, 1) else { return nil }
            let chars = bytes[charStart..<(charStart + charCount)]
            let from = charStart + abbreviationIndex
            let abbreviation = chars[min(from, chars.endIndex)...].prefix { $0 != 0 }
            types.append(SystemTimeZone.LocalType(offset: signed(record, 4), abbreviation: String(decoding: abbreviation, as: UTF8.self)))
        }
        guard transitionTypes.allSatisfy({ $0 < typeCount }), zip(transitions, transitions.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return nil
        }
        self.types = types
        end = start + headerSize + size
    }
}
