// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOConcurrencyHelpers

/// Wakes the delivery thread when a call may have queued a notice, and tells it to stop. A wake while it is
/// busy is kept, so a notice queued during a delivery run is looked at right after it.
final class OutboxWaker: @unchecked Sendable {
    private static let idle = 0, woken = 1
    private let condition = ConditionLock(value: OutboxWaker.idle)
    // Apart from the condition: ConditionLock's `value` takes its own lock, so it cannot be read while held.
    private let stopped = NIOLockedValueBox(false)

    enum Wakeup { case woken, timedOut, stopped }

    func wake() {
        condition.lock()
        condition.unlock(withValue: OutboxWaker.woken)
    }

    func stop() {
        stopped.withLockedValue { $0 = true }
        wake()
    }

    /// Waits until woken, stopped or `seconds` passed.
    func wait(seconds: Int64) -> Wakeup {
        let woken = condition.lock(whenValue: OutboxWaker.woken, timeoutSeconds: Double(max(1, seconds)))
        if woken { condition.unlock(withValue: OutboxWaker.idle) }
        if stopped.withLockedValue({ $0 }) { return .stopped }
        return woken ? .woken : .timedOut
    }
}
