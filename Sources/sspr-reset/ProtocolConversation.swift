// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRResetProtocol
import SSPRSystem

/// The reset flow's conversation, relayed by pam_sspr.so to the PAM application. Every fault of the channel or
/// the application becomes `.conversationFailed`, which ends the flow with nothing written.
final class ProtocolConversation: ResetConversation {
    let channel: ProtocolChannel
    let service: String
    let debug: Bool
    /// Set once the module stopped answering: later messages (the success line, errors) are not attempted.
    private(set) var lost = false

    init(channel: ProtocolChannel, service: String, debug: Bool) {
        self.channel = channel
        // The caller chose it (a screen locker's pam_start): escaped and bounded once, for every line.
        self.service = LogText.escape(service, limit: 64)
        self.debug = debug
    }

    func prompt(_ text: String, echo: Bool) throws(SSPRError) -> SecretBytes {
        let replies = try round([ConversationMessage(echo ? .promptEchoOn : .promptEchoOff, text)])
        guard let reply = replies.first, let reply else { throw .conversationFailed("no reply") }
        guard UnicodeText.isValidUTF8(reply.bytes) else { throw .conversationFailed("reply is not UTF-8") }
        return reply
    }

    func show(_ lines: [String], asError: Bool) throws(SSPRError) {
        guard !lines.isEmpty else { return }
        _ = try round(lines.map { ConversationMessage(asError ? .errorText : .infoText, $0) })
    }

    /// One round: the messages out, one reply per prompt back (nil for the others).
    func round(_ messages: [ConversationMessage]) throws(SSPRError) -> [SecretBytes?] {
        guard !lost else { throw .conversationFailed("the module went away") }
        do {
            try channel.send(try ConversationMessage.frame(messages))
            var frame = try channel.receive()
            defer { frame.wipe() }
            guard let replies = try ConversationReplies.decode(frame, expected: messages.count) else {
                throw SSPRError.conversationFailed("the application's conversation failed")
            }
            return zip(messages, replies).map { message, reply in message.style.isPrompt ? SecretBytes(reply) : nil }
        } catch let error as SSPRError {
            throw error
        } catch {
            lost = true
            throw .conversationFailed("\(error)")
        }
    }

    func log(_ level: Syslog.Level, _ message: String) {
        if level == .debug && !debug { return }
        Syslog.write(level, "(\(service)) \(message)")
    }
}
