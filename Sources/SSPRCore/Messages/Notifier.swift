// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Tells the people concerned after a reset or a method change (issue: notifications): the user's registered
/// addresses and the account's local mailbox, and `admin_mail` when a member of `admin_groups` reset their
/// password. What happened, when, where (service, tty, remote host), whom to call. The notices are only
/// composed here: the engine queues them in the outbox in the transaction that records the event, and
/// `NoticeDelivery` sends them, so a sender that is down or a caller who kills su loses none.
public struct Notifier {
    let policy: Policy
    /// For the machine's time zone (under a sandbox root, the root's /etc/localtime).
    let paths: SystemPaths

    public enum Event: Sendable {
        case reset(methods: [MethodKind])
        case methodAdded(MethodKind)
        case methodRemoved(MethodKind?)
        case methodsConfirmed
        case passIssued
    }

    /// The notices `event` calls for under the policy (none when `notify_user` and `notify_admins` are off).
    public func notices(_ event: Event, user: String, isAdmin: Bool, emails: [String], context: AuditContext, at time: Int64) -> [Notice] {
        var notices: [Notice] = []
        let what: String
        switch event {
        case .reset(let methods): what = "The password of your account \(user) was reset (proved with: \(methods.map(\.displayName).joined(separator: ", ")))."
        case .methodAdded(let kind): what = "A password reset method was added to your account \(user): \(kind.displayName)."
        case .methodRemoved(let kind): what = "Password reset methods were removed from your account \(user): \(kind?.displayName ?? "all of them")."
        case .methodsConfirmed: what = "Your password reset methods for the account \(user) were confirmed."
        case .passIssued: what = "A temporary access pass was issued for your account \(user) by the helpdesk."
        }
        var body = "\(what)\n\n"
        // The machine's zone from /etc/localtime, never the TZ of whoever started this process.
        body += "When:    \(SystemTimeZone.load(paths: paths).format(time)) (\(SystemClock.utcTimestamp(time)))\n"
        body += "Where:   \(policy.hostLabel), service \(MessageSender.bodySafe(context.service)), terminal \(MessageSender.bodySafe(context.tty))"
        if !context.rhost.isEmpty { body += ", from host \(MessageSender.bodySafe(context.rhost))" }
        body += "\n\nIf this was not you, "
        body += policy.helpdesk.map { "contact the helpdesk now: \($0)\n" } ?? "contact your system administrator now.\n"
        if policy.notifyUser {
            notices.append(Notice(user: user, recipients: emails + [user], subject: "Security notice: \(subjectLine(event))", body: body))
        }
        if case .reset = event, isAdmin, policy.notifyAdmins {
            let adminBody = "An administrator account reset its password through sspr.\n\nAccount: \(user)\n" + body
            notices.append(Notice(user: user, recipients: [policy.adminMail], subject: "sspr: administrator \(user) reset their password",
                                  body: adminBody))
        }
        return notices
    }

    private func subjectLine(_ event: Event) -> String {
        switch event {
        case .reset: return "your password was reset"
        case .methodAdded: return "a password reset method was added"
        case .methodRemoved: return "password reset methods were removed"
        case .methodsConfirmed: return "password reset methods confirmed"
        case .passIssued: return "a temporary access pass was issued"
        }
    }
}
