// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Where an action came from, for the audit trail: the PAM service, tty and remote host, or the CLI/daemon
/// caller. Values are sanitised before they are stored or logged.
public struct AuditContext: Equatable, Sendable {
    public var service: String
    public var tty: String
    public var rhost: String
    /// Who acted: the user themself, an admin's name, or "root".
    public var actor: String

    public init(service: String = "", tty: String = "", rhost: String = "", actor: String = "") {
        self.service = service
        self.tty = tty
        self.rhost = rhost
        self.actor = actor
    }

    public static let commandLine = AuditContext(service: "sspr", actor: "root")
}
