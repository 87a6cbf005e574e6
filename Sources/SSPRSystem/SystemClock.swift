// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// Wall-clock time and local-time formatting (for "locked until" messages and audit output).
public enum SystemClock {
    /// Seconds since the Unix epoch.
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// Monotonic milliseconds, for bounded waits.
    public static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    public static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// `seconds` as local time with its zone, "2026-11-24 17:30 UTC" (strftime "%Y-%m-%d %H:%M %Z"): a time
    /// shown to a person says which clock it is on.
    public static func localTime(_ seconds: Int64, format: String = "%Y-%m-%d %H:%M %Z") -> String {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return String(seconds) }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBufferPointer { strftime($0.baseAddress, $0.count, format, &parts) }
        guard n > 0 else { return String(seconds) }
        return stringFromCChars(buffer)
    }

    /// `seconds` as UTC ISO 8601, "2026-11-24T17:30:00Z".
    public static func utcTimestamp(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return String(seconds) }
        var buffer = [CChar](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBufferPointer { strftime($0.baseAddress, $0.count, "%Y-%m-%dT%H:%M:%SZ", &parts) }
        guard n > 0 else { return String(seconds) }
        return stringFromCChars(buffer)
    }

    /// Parses "2026-11-24", "2026-11-24 17:30", "2026-11-24T17:30:00Z" (taken as UTC) into epoch seconds.
    public static func parseUTC(_ text: String) -> Int64? {
        let digits = text.utf8.map { $0 }
        func number(_ from: Int, _ count: Int) -> Int32? {
            guard from + count <= digits.count else { return nil }
            var v: Int32 = 0
            for b in digits[from..<(from + count)] {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int32(b - 48)
            }
            return v
        }
        guard digits.count >= 10, digits[4] == 45, digits[7] == 45,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        var rest = Array(digits[10...])
        if rest.last == 90 /* Z */ { rest.removeLast() }
        if !rest.isEmpty {
            guard rest.count == 6 || rest.count == 9, rest[0] == 32 || rest[0] == 84, rest[3] == 58,
                  let hour = number(11, 2), let minute = number(14, 2), hour < 24, minute < 60 else { return nil }
            parts.tm_hour = hour
            parts.tm_min = minute
            if rest.count == 9 {
                guard rest[6] == 58, let second = number(17, 2), second < 61 else { return nil }
                parts.tm_sec = second
            }
        }
        return Int64(timegm(&parts))
    }
}
