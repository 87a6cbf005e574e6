// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// What the reset flow needs from its front end: prompts, messages and a log. The PAM module implements it on
/// top of the PAM conversation; tests implement it with a script. The flow never sees PAM.
public protocol ResetConversation {
    /// Asks one question; the reply is a secret buffer (even when echoed). Throws `.conversationFailed` when the
    /// application cannot or will not answer: the flow then ends with nothing written.
    func prompt(_ text: String, echo: Bool) throws(SSPRError) -> SecretBytes
    /// Shows lines as information (or as errors), in one exchange.
    func show(_ lines: [String], asError: Bool) throws(SSPRError)
    /// A line for the system log (never a secret).
    func log(_ level: Syslog.Level, _ message: String)
}
