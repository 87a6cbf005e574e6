/// A POSIX `TZ` rule, as in the footer of a TZif file ("CET-1CEST,M3.5.0,M10.5.0/3"): the local time for
/// instants after the file's last transition. Handles the forms RFC 8536 allows: quoted names ("<+03>-3"),
/// offsets with minutes and seconds, `Jn`, `n` and `Mm.w.d` dates and transition times from -167 to 167 hours.
struct PosixTimeZoneRule: Equatable, Sendable {
    struct Transition: Equatable, Sendable {
        enum Date: Equatable, Sendable {
            /// `Jn`: day 1...365, February 29 never counted.
            case julian(Int64)
            /// `n`: day 0...365, February 29 counted.
            case dayOfYear(Int64)
            /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = the last) of month m.
            case monthWeekDay(Int64, Int64, Int64)
        }
        let date: Date
        /// Seconds after local midnight.
        let time: Int64
    }

    struct Daylight: Equatable, Sendable {
        let name: String
        let offset: Int64
        let start: Transition
        let end: Transition
    }

    let standardName: String
    /// Seconds east of UTC (POSIX writes them west: "CET-1" is one hour east).
    let standardOffset: Int64
    let daylight: Daylight?

    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let name = scanner.name(), let west = scanner.offset() else { return nil }
        standardName = name
        standardOffset = -west
        guard !scanner.atEnd else {
            daylight = nil
            return
        }
        guard let dstName = scanner.name() else { return nil }
        var dstOffset = standardOffset + 3_600
        if !scanner.atEnd && scanner.peek != UInt8(ascii: ",") {
            guard let dstWest = scanner.offset() else { return nil }
            dstOffset = -dstWest
        }
        // POSIX leaves the rule to the implementation when it is missing; glibc takes the US rule.
        if scanner.atEnd { scanner = Scanner(Array(",M3.2.0,M11.1.0".utf8)) }
        guard scanner.take(","), let start = scanner.transition(), scanner.take(","), let end = scanner.transition(),
              scanner.atEnd else { return nil }
        daylight = Daylight(name: dstName, offset: dstOffset, start: start, end: end)
    }

    /// Offset east of UTC and abbreviation at `time`.
    func localType(at time: Int64) -> (offset: Int64, abbreviation: String) {
        guard let daylight else { return (standardOffset, standardName) }
        let year = CivilDate(seconds: time, offset: standardOffset).year
        // The start is given in standard time, the end in daylight time.
        let start = instant(of: daylight.start, year: year) - standardOffset
        let end = instant(of: daylight.end, year: year) - daylight.offset
        let inDaylight = start < end ? (start <= time && time < end) : !(end <= time && time < start)
        return inDaylight ? (daylight.offset, daylight.name) : (standardOffset, standardName)
    }

    /// Local seconds since the epoch (on the zone's clock) at which `transition` happens in `year`.
    func instant(of transition: Transition, year: Int64) -> Int64 {
        let newYear = CivilDate.days(year: year, month: 1, day: 1)
        let day: Int64
        switch transition.date {
        case .julian(let n):
            day = newYear + n - 1 + (CivilDate.isLeapYear(year) && n >= 60 ? 1 : 0)
        case .dayOfYear(let n):
            day = newYear + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilDate.days(year: year, month: month, day: 1)
            let firstWeekday = (first % 7 + 11) % 7   // 1970-01-01 was a Thursday (4)
            var dayOfMonth = 1 + (weekday - firstWeekday + 7) % 7 + 7 * (week - 1)
            while dayOfMonth > CivilDate.daysInMonth(year: year, month: month) { dayOfMonth -= 7 }
            day = first + dayOfMonth - 1
        }
        return day * 86_400 + transition.time
    }

    /// Reads the rule's pieces from its bytes.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ character: Character) -> Bool {
            guard let ascii = character.asciiValue, peek == ascii else { return false }
            index += 1
            return true
        }

        /// "CET", or a quoted name "<+0330>".
        mutating func name() -> String? {
            if take("<") {
                let start = index
                while let b = peek, b != UInt8(ascii: ">") { index += 1 }
                let text = bytes[start..<index]
                guard take(">"), !text.isEmpty else { return nil }
                return String(decoding: text, as: UTF8.self)
            }
            let start = index
            while let b = peek, (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) { index += 1 }
            guard index - start >= 3 else { return nil }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func number(maximumDigits: Int) -> Int64? {
            let start = index
            var value: Int64 = 0
            while let b = peek, b >= 0x30 && b <= 0x39, index - start < maximumDigits {
                value = value * 10 + Int64(b - 0x30)
                index += 1
            }
            return index > start ? value : nil
        }

        /// [+-]hh[:mm[:ss]] in seconds (hours up to 167 for transition times).
        mutating func offset() -> Int64? {
            var sign: Int64 = 1
            if take("-") { sign = -1 } else { _ = take("+") }
            guard let hours = number(maximumDigits: 3), hours <= 167 else { return nil }
            var seconds = hours * 3_600
            if take(":") {
                guard let minutes = number(maximumDigits: 2), minutes < 60 else { return nil }
                seconds += minutes * 60
                if take(":") {
                    guard let secs = number(maximumDigits: 2), secs < 60 else { return nil }
                    seconds += secs
                }
            }
            return sign * seconds
        }

        mutating func transition() -> Transition? {
            let date: Transition.Date
            if take("J") {
                guard let n = number(maximumDigits: 3), (1...365).contains(n) else { return nil }
                date = .julian(n)
            } else if take("M") {
                guard let m = number(maximumDigits: 2), (1...12).contains(m), take("."),
                      let w = number(maximumDigits: 1), (1...5).contains(w), take("."),
                      let d = number(maximumDigits: 1), (0...6).contains(d) else { return nil }
                date = .monthWeekDay(m, w, d)
            } else {
                guard let n = number(maximumDigits: 3), (0...365).contains(n) else { return nil }
                date = .dayOfYear(n)
            }
            var time: Int64 = 7_200
            if take("/") {
                guard let t = offset() else { return nil }
                time = t
            }
            return Transition(date: date, time: time)
        }
    }
}
