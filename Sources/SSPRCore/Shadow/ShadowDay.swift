// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Dates in /etc/shadow are whole days since 1970-01-01 (UTC).
public enum ShadowDay {
    public static let secondsPerDay: Int64 = 86_400

    /// Today, in shadow's days. Never below 1, so it is never the "must change" value 0.
    public static func today() -> Int {
        max(1, Int(SystemClock.now() / secondsPerDay))
    }
}
