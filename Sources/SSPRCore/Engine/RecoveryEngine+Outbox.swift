// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The outbox from the engine's side: delivering and reporting the notices its changes queued.
extension RecoveryEngine {
    public var noticeDelivery: NoticeDelivery { NoticeDelivery(engine: self) }

    /// Opens the store and delivers what is due; for ssprd's delivery thread and, with `user` and a small
    /// `limit`, for the reset helper right after a reset (the PAM application waits for the helper to exit, so
    /// it tries only that reset's notices: at most the user's and the admins', as before the outbox). Never
    /// throws: a failure is logged and the notices wait for the next deliverer.
    @discardableResult
    public static func deliverNotices(paths: SystemPaths, policy: Policy, limit: Int = 50, user: String? = nil) -> NoticeDelivery.Summary? {
        do {
            let engine = try RecoveryEngine.open(paths: paths, policy: policy, create: false)
            return try engine.noticeDelivery.deliverDue(limit: limit, user: user)
        } catch {
            Syslog.write(.warning, "notices not delivered now (they wait in the outbox): \(error)")
            return nil
        }
    }

    /// `sspr admin outbox --deliver`: waiting registration codes first (someone is waiting for them), then
    /// every waiting notice made due now and delivered.
    public func deliverAllNotices(limit: Int = 1_000) throws(SSPRError) -> NoticeDelivery.Summary {
        try outbox.makeAllDue(now: now)
        var total = NoticeDelivery.Summary()
        // One notice at a time with the codes before each: a code requested while this run works through slow
        // notices must not wait past ssprd's 20 s (systemd does not start this unit again while it runs).
        while total.delivered + total.failed < limit {
            try deliverCodeRequests()
            let one = try noticeDelivery.deliverDue(limit: 1)
            if one.delivered + one.failed == 0 { break }
            total.delivered += one.delivered
            total.failed += one.failed
        }
        try deliverCodeRequests()
        return total
    }
}
