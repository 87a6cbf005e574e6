// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

@Suite struct ContactAddressTests {
    @Test func emailValidation() {
        #expect(ContactAddress.email("Alice.Smith+sspr@Example.COM") == "Alice.Smith+sspr@example.com")
        for bad in ["", "alice", "@example.com", "alice@", "alice@example", "a@b@example.com", "alice@exa mple.com",
                    "alice@example.com\nBcc: eve@example.com", "alice@example.com, eve@example.com", "<alice@example.com>",
                    "\"alice\"@example.com", "alice@-example.com", ".alice@example.com", "alice@example..com",
                    "alice@example.com\r", String(repeating: "a", count: 65) + "@example.com"] {
            #expect(ContactAddress.email(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func phoneValidation() {
        #expect(ContactAddress.phone("+49 151 2345-6789") == "+4915123456789")
        #expect(ContactAddress.phone("(555) 010.0199") == "5550100199")
        for bad in ["", "12345", "+1234567890123456", "555-0100;id", "$(id)", "+49 151 abc", "++4915123456", "4915+123456",
                    "-rf", "5550100199\n"] {
            #expect(ContactAddress.phone(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func masking() {
        #expect(ContactAddress.mask("alice@example.com", kind: .email) == "a***@example.com")
        #expect(ContactAddress.mask("+4915123456789", kind: .sms) == "************89")
    }
}

/// A recording sender: writes its argv (one per line) and stdin to files, like a real sender it reads all input.
func recordingSender(in dir: String, exitCode: Int = 0, sleepSeconds: Int = 0) throws -> String {
    let path = dir + "/record-sender"
    let script = """
        #!/bin/sh
        n=$(ls \(dir)/sent-* 2>/dev/null | wc -l)
        printf '%s\\n' "$@" > \(dir)/sent-$n.args
        cat > \(dir)/sent-$n.stdin
        sleep \(sleepSeconds)
        exit \(exitCode)
        """
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
    return path
}

func sentMessages(_ dir: String) -> [(args: [String], stdin: String)] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".args") }
        .sorted { Int($0.dropFirst(5).dropLast(5)) ?? 0 < Int($1.dropFirst(5).dropLast(5)) ?? 0 }
    return names.map { name in
        let base = dir + "/" + String(name.dropLast(5))
        let args = ((try? String(contentsOfFile: base + ".args", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return (args, (try? String(contentsOfFile: base + ".stdin", encoding: .utf8)) ?? "")
    }
}

func sixDigits(_ text: String) -> String? {
    let regex = try? NSRegularExpression(pattern: "\\b[0-9]{6}\\b")
    guard let m = regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let r = Range(m.range, in: text) else { return nil }
    return String(text[r])
}

@Suite struct ContactCodeTests {
    func engine(_ sandbox: Sandbox, _ clock: TestClock, extra: String = "") throws -> (RecoveryEngine, String) {
        let dir = sandbox.root + "/outbox"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sender = try recordingSender(in: dir)
        let engine = try sandbox.engine("methods = totp,questions,recovery_code,email,sms,tap\nsms_command = \(sender) --to {number} --label={number}\nmail_command = \(sender) -t\nmax_codes = 3\ncode_ttl = 5m\n" + extra,
                                        clock: clock.closure)
        return (engine, dir)
    }

    @Test func smsRegistrationLoginCodeExpiryAndThrottles() throws {
        let sandbox = try Sandbox()
        let clock = TestClock()
        let (engine, outbox) = try engine(sandbox, clock)
        let ctx = AuditContext(service: "ssprd", actor: "alice")
        #expect(try engine.beginContactRegistration(user: "alice", kind: .sms, typed: "+49 151 2345-6789", context: ctx) == .sent(masked: "************89"))
        var sent = sentMessages(outbox)
        #expect(sent.count == 1)
        // The number is its own argument wherever {number} stood; the code is only on stdin.
        #expect(sent[0].args == ["--to", "+4915123456789", "--label=+4915123456789"])
        let code = try #require(sixDigits(sent[0].stdin))
        #expect(!sent[0].args.joined().contains(code))
        #expect(try engine.confirmContactRegistration(user: "alice", kind: .sms, code: secret("000000"), context: ctx) == .rejected(lockedUntil: nil))
        #expect(try engine.failures.failures("alice", now: clock.now) == 1, "a wrong code counts toward lockout")
        #expect(try engine.confirmContactRegistration(user: "alice", kind: .sms, code: secret(code), context: ctx) == .accepted)
        #expect(try engine.contactCodes.destination(user: "alice", kind: .sms) == "+4915123456789")
        #expect(try engine.registeredMethods("alice") == [.sms])
        // Login: a code to the stored number, single use, valid code_ttl.
        // (The recording sender also gets the notice mail once delivered: texts are the messages with --to.)
        func texts() -> [(args: [String], stdin: String)] { sentMessages(outbox).filter { $0.args.first == "--to" } }
        #expect(!sentMessages(outbox).contains { $0.args == ["-t"] }, "the notice is queued, not sent, by the change")
        #expect(try engine.noticeDelivery.deliverDue() == { var s = NoticeDelivery.Summary(); s.delivered = 1; return s }())
        #expect(sentMessages(outbox).contains { $0.args == ["-t"] && $0.stdin.contains("A password reset method was added") })
        #expect(try engine.sendLoginCode(user: "alice", kind: .sms, context: ctx) == .sent(masked: "************89"))
        sent = texts()
        let login = try #require(sixDigits(sent[1].stdin))
        clock.advance(301)
        #expect(try engine.verify(user: "alice", method: .sms, proof: .code(secret(login)), context: ctx) == .rejected(lockedUntil: nil), "expired")
        // max_codes = 3 per hour: two sent so far (registration, login), one more, then throttled.
        #expect(try engine.sendLoginCode(user: "alice", kind: .sms, context: ctx) == .sent(masked: "************89"))
        let third = try #require(sixDigits(texts()[2].stdin))
        #expect(try engine.sendLoginCode(user: "alice", kind: .sms, context: ctx) == .throttled)
        #expect(texts().count == 3)
        #expect(try engine.verify(user: "alice", method: .sms, proof: .code(secret(third)), context: ctx) == .accepted)
        #expect(try engine.verify(user: "alice", method: .sms, proof: .code(secret(third)), context: ctx) == .rejected(lockedUntil: nil), "single use")
        clock.advance(3600)
        #expect(try engine.sendLoginCode(user: "alice", kind: .sms, context: ctx) != .throttled, "the hour has passed")
    }

    @Test func perDestinationCapAcrossUsers() throws {
        let sandbox = try Sandbox()
        let clock = TestClock()
        let (engine, _) = try engine(sandbox, clock)
        for user in ["alice", "bob", "ivan"] {
            #expect(try engine.beginContactRegistration(user: user, kind: .email, typed: "victim@example.com", context: .commandLine) == .sent(masked: "v***@example.com"))
        }
        #expect(try engine.beginContactRegistration(user: "judy", kind: .email, typed: "victim@example.com", context: .commandLine) == .throttled)
    }

    @Test func codesGoOnlyWhereTheStoreSays() throws {
        let sandbox = try Sandbox()
        let clock = TestClock()
        let (engine, outbox) = try engine(sandbox, clock)
        _ = try engine.beginContactRegistration(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
        let code = try #require(sixDigits(sentMessages(outbox)[0].stdin))
        // A code for one kind does not register another, and alice's code does not work for bob.
        #expect(try engine.confirmContactRegistration(user: "bob", kind: .email, code: secret(code), context: .commandLine) == .rejected(lockedUntil: nil))
        #expect(try engine.confirmContactRegistration(user: "alice", kind: .sms, code: secret(code), context: .commandLine) == .rejected(lockedUntil: nil))
        #expect(try engine.confirmContactRegistration(user: "alice", kind: .email, code: secret(code), context: .commandLine) == .accepted)
        let mail = sentMessages(outbox)[0].stdin
        #expect(mail.hasPrefix("From: root\nTo: alice@example.com\nSubject: Your password reset code\n"))
        // The registration is announced to the new address and the local mailbox (queued, then delivered).
        try engine.noticeDelivery.deliverDue()
        let notice = try #require(sentMessages(outbox).last?.stdin)
        #expect(notice.contains("To: alice@example.com, alice\n") && notice.contains("A password reset method was added"))
        #expect(!notice.contains(code))
        #expect(throws: SSPRError.self) { try engine.beginContactRegistration(user: "alice", kind: .email, typed: "alice@example.com\nBcc: eve@example.com", context: .commandLine) }
    }

    @Test func aFailingOrHangingSenderIsBounded() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.root + "/outbox"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let failing = try recordingSender(in: dir, exitCode: 75)
        let engine = try sandbox.engine("methods = totp,email\nmail_command = \(failing)\n")
        #expect(try engine.beginContactRegistration(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
                == .failed("the sender failed: exited(75)"))
        let hanging = try recordingSender(in: dir, sleepSeconds: 30)
        var sender = MessageSender(policy: PolicyLoader.parse("mail_command = \(hanging)\n", source: "t").policy, paths: sandbox.paths)
        sender.timeoutMilliseconds = 500
        let start = Date()
        #expect(throws: MessageSender.Failure.sender(.timedOut)) { try sender.sendMail(to: ["alice@example.com"], subject: "s", body: "b") }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func sandboxNeverUsesTheDefaultMailCommand() throws {
        let sandbox = try Sandbox()
        let engine = try sandbox.engine("methods = totp,email\n")
        #expect(try engine.beginContactRegistration(user: "alice", kind: .email, typed: "alice@example.com", context: .commandLine)
                == .failed("mail_command is not configured"))
    }
}
