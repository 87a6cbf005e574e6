import SSPRCore
import SSPRSystem

/// The reset flow's conversation over PAM. Every conversation fault becomes `.conversationFailed`, which ends
/// the flow with nothing written.
struct PAMResetConversation: ResetConversation {
    let handle: PAMHandle
    let debug: Bool

    func prompt(_ text: String, echo: Bool) throws(SSPRError) -> SecretBytes {
        do {
            let replies = try handle.converse([PAMMessage(echo ? .promptEchoOn : .promptEchoOff, text)])
            guard let first = replies.first, let reply = first else { throw SSPRError.conversationFailed("no reply") }
            return reply
        } catch let error as PAMConversationError {
            throw .conversationFailed("\(error)")
        } catch let error as SSPRError {
            throw error
        } catch {
            throw .conversationFailed("unexpected")
        }
    }

    func show(_ lines: [String], asError: Bool) throws(SSPRError) {
        do {
            _ = try handle.converse(lines.map { PAMMessage(asError ? .errorText : .infoText, $0) })
        } catch {
            throw .conversationFailed("\(error)")
        }
    }

    func log(_ level: Syslog.Level, _ message: String) {
        switch level {
        case .error: handle.log(PAMHandle.logError, message)
        case .warning: handle.log(PAMHandle.logWarning, message)
        case .notice: handle.log(PAMHandle.logNotice, message)
        case .info: handle.log(PAMHandle.logInfo, message)
        case .debug: if debug { handle.log(PAMHandle.logDebug, message) }
        }
    }
}
