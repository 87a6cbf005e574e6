import SSPRSystem

/// The machine's time zone, read from `<root>/etc/localtime` (a TZif file, RFC 8536), for the times in notices.
///
/// Notices are sent by root processes that start in many ways (the reset helper, ssprd, `sudo sspr`); the time
/// in a victim's notice must be the machine's, never the `TZ` of whoever started the process. libc's
/// localtime reads `TZ`, so this reads the zone file itself. Guarantees: never fails; a missing or
/// unreadable file is UTC, as it is for libc; instants after the file's last transition follow its footer rule.
public struct SystemTimeZone: Equatable, Sendable {
    struct LocalType: Equatable, Sendable {
        /// Seconds east of UTC.
        let offset: Int64
        let abbreviation: String
    }

    /// Transition instants, ascending, and the local type that starts at each.
    let transitions: [Int64]
    let transitionTypes: [Int]
    let types: [LocalType]
    let footer: PosixTimeZoneRule?

    public static let utc = SystemTimeZone(transitions: [], transitionTypes: [], types: [LocalType(offset: 0, abbreviation: "UTC")], footer: nil)

    static let maximumFileSize = 1 << 20

    /// Reads `paths.localtime`. A symbolic link (the usual form, to /usr/share/zoneinfo/...) is followed under
    /// the sandbox root.
    public static func load(paths: SystemPaths) -> SystemTimeZone {
        let path = paths.resolvingLinks(paths.localtime)
        guard let bytes = try? FileSystem.readFile(path, limit: maximumFileSize), let zone = SystemTimeZone(tzif: bytes) else {
            return .utc
        }
        return zone
    }

    init(transitions: [Int64], transitionTypes: [Int], types: [LocalType], footer: PosixTimeZoneRule?) {
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.types = types
        self.footer = footer
    }

    /// Parses a TZif file: the 64-bit data block of version 2 and later (with its footer), else version 1's.
    /// nil for anything malformed.
    public init?(tzif bytes: [UInt8]) {
        guard var block = TZifBlock(bytes, at: 0, timeSize: 4) else { return nil }
        var footer: PosixTimeZoneRule?
        if bytes[4] >= UInt8(ascii: "2") {
            guard let second = TZifBlock(bytes, at: block.end, timeSize: 8) else { return nil }
            block = second
            // The footer: "\n" rule "\n" right after the block; an empty rule means none.
            let rest = bytes[block.end...]
            if rest.first == 0x0a, let close = rest.dropFirst().firstIndex(of: 0x0a), close > block.end + 1 {
                footer = PosixTimeZoneRule(String(decoding: bytes[(block.end + 1)..<close], as: UTF8.self))
            }
        }
        self.init(transitions: block.transitions, transitionTypes: block.transitionTypes, types: block.types, footer: footer)
    }

    /// The offset and abbreviation in force at `time`.
    func localType(at time: Int64) -> LocalType {
        if let footer, transitions.last.map({ time >= $0 }) ?? true {
            let type = footer.localType(at: time)
            return LocalType(offset: type.offset, abbreviation: type.abbreviation)
        }
        guard let first = transitions.first, time >= first else { return types.first ?? LocalType(offset: 0, abbreviation: "UTC") }
        // The last transition at or before `time`.
        var low = 0, high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= time { low = middle } else { high = middle - 1 }
        }
        let index = transitionTypes[low]
        return index < types.count ? types[index] : LocalType(offset: 0, abbreviation: "UTC")
    }

    /// "2026-11-24 18:30 CET": the wall-clock time here, with the zone's abbreviation.
    public func format(_ time: Int64) -> String {
        let type = localType(at: time)
        let date = CivilDate(seconds: time, offset: type.offset).minuteText
        // Abbreviations come from a file: only the characters real ones use ("CET", "+0530", "-03").
        let safe = !type.abbreviation.isEmpty && type.abbreviation.utf8.count <= 16 && type.abbreviation.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x2b || b == 0x2d
        }
        return safe ? "\(date) \(type.abbreviation)" : date
    }
}
