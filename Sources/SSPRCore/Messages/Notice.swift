// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// One security notice as it waits in the outbox: a mail to `recipients` (addresses validated when the notice
/// was made, or local account names), about `user`. Holds what happened, never a code or any other secret.
public struct Notice: Equatable, Sendable {
    public var user: String
    public var recipients: [String]
    public var subject: String
    public var body: String

    public init(user: String, recipients: [String], subject: String, body: String) {
        self.user = user
        self.recipients = recipients
        self.subject = subject
        self.body = body
    }
}
