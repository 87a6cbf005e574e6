/// A proleptic Gregorian calendar date and time of day, computed from epoch seconds with plain integer
/// arithmetic (Howard Hinnant's days-from-civil algorithms): no libc, so no `TZ` and no global state.
struct CivilDate: Equatable {
    let year: Int64, month: Int64, day: Int64
    let hour: Int64, minute: Int64, second: Int64

    /// The date and time of `seconds` since the epoch, read on a clock `offset` seconds east of UTC.
    init(seconds: Int64, offset: Int64 = 0) {
        let local = seconds + offset
        let days = Self.floorDivide(local, 86_400)
        let secondOfDay = local - days * 86_400
        var z = days + 719_468
        let era = Self.floorDivide(z, 146_097)
        z -= era * 146_097
        let yearOfEra = (z - z / 1_460 + z / 36_524 - z / 146_096) / 365
        let dayOfYear = z - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3_600
        minute = secondOfDay % 3_600 / 60
        second = secondOfDay % 60
    }

    /// Days since 1970-01-01 of a date (month 1...12; a day past the month's end runs into the next month).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func isLeapYear(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1) - days(year: year, month: month, day: 1)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// "2026-11-24 17:30".
    var minuteText: String {
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute))"
    }
}
