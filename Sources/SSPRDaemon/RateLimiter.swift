// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOConcurrencyHelpers

/// Requests per uid in a sliding minute. Memory is bounded by the number of distinct uids seen recently times
/// the limit; entries of quiet uids are dropped.
final class RateLimiter: @unchecked Sendable {
    private let limit: Int
    private let lock = NIOLock()
    private var recent: [UInt32: [Int64]] = [:]

    init(requestsPerMinute: Int) { limit = requestsPerMinute }

    /// True when `uid` may make one more request at `now` (milliseconds); the request is then counted.
    func allow(uid: UInt32, now: Int64) -> Bool {
        lock.withLock {
            let windowStart = now - 60_000
            var times = (recent[uid] ?? []).filter { $0 > windowStart }
            if recent.count > 4096 { recent = recent.filter { $0.value.last.map { $0 > windowStart } ?? false } }
            guard times.count < limit else {
                recent[uid] = times
                return false
            }
            times.append(now)
            recent[uid] = times
            return true
        }
    }
}

/// Open connections, in all and per uid.
final class ConnectionLimiter: @unchecked Sendable {
    private let total: Int
    private let perUser: Int
    private let lock = NIOLock()
    private var open = 0
    private var byUser: [UInt32: Int] = [:]

    init(total: Int, perUser: Int) {
        self.total = total
        self.perUser = perUser
    }

    func acquire(uid: UInt32) -> Bool {
        lock.withLock {
            let mine = byUser[uid] ?? 0
            guard open < total, mine < perUser else { return false }
            open += 1
            byUser[uid] = mine + 1
            return true
        }
    }

    func release(uid: UInt32) {
        lock.withLock {
            open = max(0, open - 1)
            let mine = (byUser[uid] ?? 1) - 1
            byUser[uid] = mine > 0 ? mine : nil
        }
    }

    var openConnections: Int { lock.withLock { open } }
}
