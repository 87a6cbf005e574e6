// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// A `ResetConversation` that answers prompts from a script and records everything said, shown and logged, in
/// order. A prompt's replies are used in turn (the last one repeats); a nil reply ends the conversation the way
/// an application that went away does. A prompt the script does not know fails the test.
final class ScriptedConversation: ResetConversation, @unchecked Sendable {
    enum Line: Equatable {
        case prompt(String), info(String), error(String), log(String)
    }

    private var replies: [String: [String?]]
    private(set) var transcript: [Line] = []
    /// Replies computed when the prompt comes (a code that was just mailed); these take precedence.
    var computed: [String: () -> String?] = [:]
    /// Runs when a prompt is reached, before it is answered (for interleaving a second reset).
    var onPrompt: [String: () -> Void] = [:]
    /// Runs when a line is shown, before the flow goes on (what is recorded by the time the user reads it).
    var onShow: [String: () -> Void] = [:]

    init(_ replies: [String: [String?]]) { self.replies = replies }

    func prompt(_ text: String, echo: Bool) throws(SSPRError) -> SecretBytes {
        transcript.append(.prompt(text))
        if let hook = onPrompt.removeValue(forKey: text) { hook() }
        if let compute = computed[text] {
            guard let reply = compute() else { throw .conversationFailed("the application went away") }
            return SecretBytes(copying: reply)
        }
        guard var queue = replies[text], let next = queue.first else {
            Issue.record("unexpected prompt \(text.debugDescription)")
            throw .conversationFailed("unexpected prompt")
        }
        if queue.count > 1 { queue.removeFirst(); replies[text] = queue }
        guard let reply = next else { throw .conversationFailed("the application went away") }
        return SecretBytes(copying: reply)
    }

    func show(_ lines: [String], asError: Bool) throws(SSPRError) {
        transcript += lines.map { asError ? .error($0) : .info($0) }
        for line in lines { if let hook = onShow.removeValue(forKey: line) { hook() } }
    }

    func log(_ level: Syslog.Level, _ message: String) { transcript.append(.log(message)) }

    var errors: [String] { transcript.compactMap { if case .error(let t) = $0 { return t } else { return nil } } }
    var prompts: [String] { transcript.compactMap { if case .prompt(let t) = $0 { return t } else { return nil } } }
    var logs: [String] { transcript.compactMap { if case .log(let t) = $0 { return t } else { return nil } } }
}

extension Sandbox {
    /// The reset flow on this sandbox, as the PAM module runs it (service login).
    func resetFlow(_ policyText: String = "") -> ResetFlow {
        let paths = self.paths
        let policy = policy(policyText)
        return ResetFlow(paths: paths, policy: policy, context: AuditContext(service: "login", tty: "tty1", actor: "alice")) {
            () throws(SSPRError) in try RecoveryEngine.open(paths: paths, policy: policy, create: false)
        }
    }

    /// alice's hash in the sandbox's shadow.
    func shadowHash(_ user: String) throws -> String {
        let bytes = try #require(fileBytes(paths.shadow))
        return try #require(ShadowFile(bytes: bytes).entry(named: user)).entry.hash
    }
}
