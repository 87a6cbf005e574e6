// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem

/// `sspr admin outbox [--deliver] [--json]`: the notices waiting in the store, and (for sspr-outbox.service,
/// started by its timer and by ssprd's trigger file) their delivery as root, where mail can be sent.
struct AdminOutbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Notices waiting to be sent; --deliver sends them now.",
        discussion: """
            Every notice after a reset or a method change is queued in the store in the transaction that records
            it, then sent by the reset helper, by ssprd, or by this command (sspr-outbox.service: its timer runs it
            every 5 minutes, and ssprd's trigger file within a second). A failed notice is retried with backoff
            (1 minute, doubling, at most an hour); --deliver tries every waiting notice now. Delivered notices are
            kept 7 days. Shows no message text. Exit 1 when --deliver could not send one. Root only.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Send every waiting notice now (root; sspr-outbox.service runs this).") var deliver = false
    @Flag(help: "JSON output.") var json = false

    struct Row: Encodable {
        let id: Int64
        let user: String
        let subject: String
        let state: String
        let created: String
        let attempts: Int64
        let next_attempt: String?
        let delivered: String?
        let last_error: String?
    }

    struct Document: Encodable {
        let delivered_now: Int?
        let failed_now: Int?
        let waiting: Int
        let notices: [Row]
    }

    func run() throws {
        let engine = try global.openEngine(create: false)
        var summary: NoticeDelivery.Summary? = nil
        let entries: [NoticeOutbox.Entry]
        do {
            if deliver { summary = try engine.deliverAllNotices() }
            entries = try engine.outbox.entries()
        } catch {
            throw CLIError(error)
        }
        let rows = entries.map { e in
            Row(id: e.id, user: e.user, subject: e.subject, state: e.deliveredAt == nil ? "waiting" : "delivered",
                created: SystemClock.utcTimestamp(e.createdAt), attempts: e.attempts,
                next_attempt: e.deliveredAt == nil ? SystemClock.utcTimestamp(e.nextAttemptAt) : nil,
                delivered: e.deliveredAt.map(SystemClock.utcTimestamp), last_error: e.lastError)
        }
        let waiting = rows.filter { $0.state == "waiting" }.count
        if json {
            try JSONOutput.print(Document(delivered_now: summary?.delivered, failed_now: summary?.failed, waiting: waiting, notices: rows))
        } else {
            if let summary { print("delivered \(summary.delivered), failed \(summary.failed), waiting \(waiting)") }
            print(pad("ID", 7) + pad("USER", 16) + pad("STATE", 11) + pad("TRIES", 6) + pad("CREATED", 22) + "NEXT TRY / DELIVERED, LAST ERROR")
            for r in rows {
                let when = r.delivered ?? r.next_attempt ?? "-"
                print(pad(String(r.id), 7) + pad(r.user, 16) + pad(r.state, 11) + pad(String(r.attempts), 6) + pad(r.created, 22)
                      + when + (r.last_error.map { ", \($0)" } ?? ""))
            }
        }
        if let summary, summary.failed > 0 { throw ExitCode(1) }
    }
}
