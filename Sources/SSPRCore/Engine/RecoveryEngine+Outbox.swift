import SSPRSystem

/// The outbox from the engine's side: delivering and reporting the notices its changes queued.
extension RecoveryEngine {
    public var noticeDelivery: NoticeDelivery { NoticeDelivery(engine: self) }

    /// Opens the store and delivers what is due; for the reset helper right after a reset and for ssprd's
    /// delivery thread. Never throws: a failure is logged and the notices wait for the next deliverer.
    @discardableResult
    public static func deliverNotices(paths: SystemPaths, policy: Policy, limit: Int = 50) -> NoticeDelivery.Summary? {
        do {
            let engine = try RecoveryEngine.open(paths: paths, policy: policy, create: false)
            return try engine.noticeDelivery.deliverDue(limit: limit)
        } catch {
            Syslog.write(.warning, "notices not delivered now (they wait in the outbox): \(error)")
            return nil
        }
    }

    /// `sspr admin outbox --deliver`: waiting registration codes first (someone is waiting for them), then
    /// every waiting notice made due now and delivered.
    public func deliverAllNotices(limit: Int = 1_000) throws(SSPRError) -> NoticeDelivery.Summary {
        try deliverCodeRequests()
        try outbox.makeAllDue(now: now)
        return try noticeDelivery.deliverDue(limit: limit)
    }
}
