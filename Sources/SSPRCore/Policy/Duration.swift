// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Durations in the policy and on the command line: a number with an optional unit s, m, h, d, w
/// (no unit = seconds).
public enum Duration {
    public static func parseSeconds(_ text: String) -> Int64? {
        let t = trim(text)
        guard let last = t.last else { return nil }
        let multiplier: Int64
        var digits = t
        switch last {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86400
        case "w": multiplier = 7 * 86400
        case "0"..."9": multiplier = 1
        default: return nil
        }
        if multiplier != 1 || last == "s" { digits.removeLast() }
        guard !digits.isEmpty, digits.utf8.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = Int64(digits) else { return nil }
        return n * multiplier
    }

    public static func format(_ seconds: Int64) -> String {
        if seconds % 86400 == 0 { return "\(seconds / 86400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
