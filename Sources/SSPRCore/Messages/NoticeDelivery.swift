// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Delivers due notices from the outbox through `mail_command`, one at a time, each under a lease.
///
/// Run only by root processes the caller of a reset cannot stop: the reset helper right after the reset is
/// recorded, ssprd's delivery thread, and `sspr admin outbox --deliver` (the timer unit). A failure is written
/// back with its backoff and logged with the row's id and the sender's outcome, never the message.
public struct NoticeDelivery {
    public let outbox: NoticeOutbox
    public let sender: MessageSender
    let clock: RecoveryEngine.Clock

    /// What one run did.
    public struct Summary: Equatable, Sendable {
        public var delivered = 0
        public var failed = 0
        public init() {}
    }

    public init(engine: RecoveryEngine) {
        outbox = engine.outbox
        sender = engine.sender
        clock = engine.clock
    }

    /// Sends up to `limit` due notices (only `user`'s, newest first, when given). A failed row is not tried
    /// again in this run (its backoff decides).
    @discardableResult
    public func deliverDue(limit: Int = 50, user: String? = nil) throws(SSPRError) -> Summary {
        var summary = Summary()
        try outbox.pruneDelivered(now: clock())
        while summary.delivered + summary.failed < limit, let claimed = try outbox.claimNext(now: clock(), user: user) {
            var failure: MessageSender.Failure? = nil
            do throws(MessageSender.Failure) {
                try sender.sendMail(to: claimed.notice.recipients, subject: claimed.notice.subject, body: claimed.notice.body)
            } catch {
                failure = error
            }
            guard let failure else {
                try outbox.markDelivered(id: claimed.id, now: clock())
                summary.delivered += 1
                continue
            }
            try outbox.markFailed(id: claimed.id, attempts: claimed.attempts, error: failure.description, now: clock())
            Syslog.write(.warning, "notice \(claimed.id) for \(claimed.notice.user) not delivered (attempt \(claimed.attempts)): "
                         + "\(failure); retried in \(NoticeOutbox.backoff(afterAttempts: claimed.attempts)) s")
            summary.failed += 1
        }
        return summary
    }
}
