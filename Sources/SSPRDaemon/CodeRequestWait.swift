// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRSystem

/// BeginContact under ssprd's unit: after queuing a code request, wakes the deliverer through the trigger
/// file and waits (on a sender thread, never a worker or the event loop) for the outcome it records.
struct CodeRequestWait {
    let engine: RecoveryEngine
    let trigger: OutboxTrigger
    /// The sender's own timeout (8 s) plus the time systemd takes to start the deliverer.
    var timeoutMilliseconds: Int64 = 20_000
    /// The trigger is written again this often while waiting: a deliverer that was already finishing when
    /// the request came (systemd does not start a unit that is still active) must not strand it.
    var retriggerMilliseconds: Int64 = 2_000

    func outcome(of id: Int64) throws(SSPRError) -> CodeDelivery {
        let start = SystemClock.monotonicMilliseconds()
        var lastTrigger: Int64? = nil
        while true {
            let elapsed = SystemClock.monotonicMilliseconds() - start
            if let outcome = try engine.codeRequests.outcome(id: id) { return outcome }
            if elapsed >= timeoutMilliseconds {
                // Withdrawn unless a deliverer has it already; then its outcome is worth the wait.
                if try engine.codeRequests.giveUp(id: id) {
                    Syslog.write(.warning, "code request \(id) not taken by a deliverer within \(timeoutMilliseconds / 1000) s: "
                                 + "is sspr-outbox.path active?")
                    return .failed("no deliverer took the request")
                }
                if elapsed >= 2 * timeoutMilliseconds { return .failed("the deliverer did not finish") }
            }
            if lastTrigger.map({ elapsed - $0 >= retriggerMilliseconds }) ?? true {
                trigger.pull()
                lastTrigger = elapsed
            }
            SystemClock.sleep(milliseconds: 100)
        }
    }
}
