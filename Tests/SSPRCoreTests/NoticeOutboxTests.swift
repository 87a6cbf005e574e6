// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// The notice outbox (store schema 3): queued with the change, delivered once, retried with backoff, pruned.
@Suite struct NoticeOutboxTests {
    /// A mail_command that fails (exit 75) while `down` exists and otherwise appends the message to `sent`.
    func sender(_ sandbox: Sandbox) throws -> (command: String, sent: String, down: String) {
        let script = sandbox.root + "/sendmail", sent = sandbox.root + "/sent", down = sandbox.root + "/down"
        try "#!/bin/sh\n[ -e \(down) ] && { cat >/dev/null; exit 75; }\ncat >> \(sent)\n".write(toFile: script, atomically: false, encoding: .utf8)
        chmod(script, 0o755)
        return (script, sent, down)
    }

    @Test func aRefusedNoticeIsRetriedWithBackoffAndDeliveredOnce() throws {
        let sandbox = try Sandbox()
        let (command, sent, down) = try sender(sandbox)
        let clock = TestClock()
        let engine = try sandbox.engine("mail_command = \(command)\n", clock: { clock.now })
        _ = FileManager.default.createFile(atPath: down, contents: nil)
        let codes = try engine.generateRecoveryCodes(user: "alice", context: .commandLine)
        #expect(try engine.outbox.backlog() == NoticeOutbox.Backlog(waiting: 1, oldestCreatedAt: clock.now))

        var summary = try engine.noticeDelivery.deliverDue()
        #expect(summary.failed == 1 && summary.delivered == 0)
        let entry = try #require(try engine.outbox.entries().first)
        #expect(entry.attempts == 1 && entry.lastError == "the sender failed: exited(75)")
        #expect(entry.nextAttemptAt == clock.now + NoticeOutbox.backoff(afterAttempts: 1))
        // Not due yet: nothing is tried; the codes are nowhere in the row.
        #expect(try engine.noticeDelivery.deliverDue() == NoticeDelivery.Summary())
        #expect(!codes.contains { entry.subject.contains(String(decoding: $0.bytes, as: UTF8.self)) })

        try FileManager.default.removeItem(atPath: down)
        clock.advance(NoticeOutbox.backoff(afterAttempts: 1))
        summary = try engine.noticeDelivery.deliverDue()
        #expect(summary.delivered == 1)
        #expect(try engine.noticeDelivery.deliverDue() == NoticeDelivery.Summary(), "never twice")
        let mail = try String(contentsOfFile: sent, encoding: .utf8)
        #expect(mail.components(separatedBy: "Subject: ").count == 2 && mail.contains("A password reset method was added"))
        #expect(try engine.outbox.backlog().waiting == 0)

        // Delivered rows are kept a week, then pruned by the next delivery run.
        clock.advance(NoticeOutbox.deliveredRetention + 1)
        try engine.noticeDelivery.deliverDue()
        #expect(try engine.outbox.entries().isEmpty)
    }

    @Test func backoffDoublesToAnHour() {
        #expect((1...8).map { NoticeOutbox.backoff(afterAttempts: Int64($0)) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
    }

    @Test func aResetQueuesItsNoticeInItsOwnTransaction() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("mail_command = /bin/false\nnotify_admins = yes\n")
        try engine.resetCompleted(user: "alice", methods: [.recoveryCode], context: .commandLine)
        let entries = try engine.outbox.entries()
        #expect(entries.map(\.subject) == ["Security notice: your password was reset"])
        #expect(try engine.audit.records(user: "alice", since: nil).contains { $0.event == "reset" })
    }

    @Test func aCodeRequestIsSentByTheDelivererAndHoldsNoCode() throws {
        let sandbox = try Sandbox()
        let (command, sent, _) = try sender(sandbox)
        let engine = try sandbox.engine("methods = totp,questions,recovery_code,email\nmail_command = \(command)\n")
        let id = try engine.requestContactCode(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
        #expect(try engine.codeRequests.outcome(id: id) == nil, "waiting")
        #expect(try engine.deliverCodeRequests() == 1)
        #expect(try engine.codeRequests.outcome(id: id) == .sent(masked: "a***@example.com"))
        let mail = try String(contentsOfFile: sent, encoding: .utf8)
        let code = try #require(mail.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.count == 6 && Int($0) != nil })
        let db = try sandbox.database()
        let requests = try db.query("SELECT * FROM code_requests").flatMap { $0 }.compactMap(\.text)
        #expect(!requests.contains { $0.contains(code) })
        // A request ssprd gave up on is never sent.
        let late = try engine.requestContactCode(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
        #expect(try engine.codeRequests.giveUp(id: late))
        #expect(try engine.deliverCodeRequests() == 0)
    }
}
