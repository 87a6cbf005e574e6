import CPAM
import Glibc
import SSPRShim

/// One message of a PAM conversation.
public struct PAMMessage: Sendable {
    public enum Style: Sendable { case promptEchoOff, promptEchoOn, errorText, infoText }
    public let style: Style
    public let text: String
    public init(_ style: Style, _ text: String) { self.style = style; self.text = text }

    public var isPrompt: Bool { style == .promptEchoOff || style == .promptEchoOn }
}

/// Why a conversation gave no usable answer. Every case ends the flow with nothing written.
public enum PAMConversationError: Error, Equatable, Sendable {
    /// No conversation function (cron, a service without a terminal).
    case unavailable
    /// The application's conversation returned this PAM error code.
    case failed(Int32)
    /// A prompt got no reply array, or a NULL reply.
    case noReply
    /// A reply longer than `PAMHandle.maximumReplyBytes`.
    case replyTooLong
    /// A reply that is not UTF-8.
    case invalidUTF8
}

/// The PAM handle given to the module: items, the conversation, and libpam's logger. This is the only place
/// the module's code touches libpam's pointers.
public struct PAMHandle {
    /// Replies longer than this are refused, not truncated: a truncated password would be a different password.
    public static let maximumReplyBytes = 512

    let raw: OpaquePointer

    public init?(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return nil }
        raw = OpaquePointer(pointer)
    }

    public enum Item: Sendable { case service, user, tty, rhost, ruser }

    /// A string item, or nil when unset or not valid UTF-8.
    public func item(_ item: Item) -> String? {
        let type: Int32
        switch item {
        case .service: type = PAM_SERVICE
        case .user: type = PAM_USER
        case .tty: type = PAM_TTY
        case .rhost: type = PAM_RHOST
        case .ruser: type = PAM_RUSER
        }
        var value: UnsafeRawPointer?
        guard pam_get_item(raw, type, &value) == PAM_SUCCESS, let value else { return nil }
        let pointer = value.assumingMemoryBound(to: CChar.self)
        let length = strnlen(pointer, 4096)
        let bytes = Array(UnsafeRawBufferPointer(start: value, count: length))
        guard UnicodeText.isValidUTF8(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when the application supplied a conversation function.
    public var hasConversation: Bool {
        var value: UnsafeRawPointer?
        guard pam_get_item(raw, PAM_CONV, &value) == PAM_SUCCESS, let value else { return false }
        return value.assumingMemoryBound(to: pam_conv.self).pointee.conv != nil
    }

    /// Sends `messages` in one call; returns one reply per message (nil for non-prompts).
    public func converse(_ messages: [PAMMessage]) throws(PAMConversationError) -> [SecretBytes?] {
        guard !messages.isEmpty else { return [] }
        guard hasConversation else { throw .unavailable }
        let styles: [Int32] = messages.map {
            switch $0.style {
            case .promptEchoOff: return PAM_PROMPT_ECHO_OFF
            case .promptEchoOn: return PAM_PROMPT_ECHO_ON
            case .errorText: return PAM_ERROR_MSG
            case .infoText: return PAM_TEXT_INFO
            }
        }
        // All texts in one NUL-separated buffer, so every pointer stays valid for the whole call.
        var buffer: [CChar] = []
        var offsets: [Int] = []
        for message in messages {
            offsets.append(buffer.count)
            buffer.append(contentsOf: message.text.utf8.map { CChar(bitPattern: $0 == 0 ? 0x3f : $0) })
            buffer.append(0)
        }
        var replies: UnsafeMutablePointer<pam_response>?
        let count = Int32(messages.count)
        let rc: Int32 = buffer.withUnsafeBufferPointer { texts in
            guard let base = texts.baseAddress else { return PAM_BUF_ERR }
            let pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return styles.withUnsafeBufferPointer { s in
                pointers.withUnsafeBufferPointer { p in sspr_pam_converse(raw, count, s.baseAddress, p.baseAddress, &replies) }
            }
        }
        defer { sspr_pam_free_replies(replies, count) }
        guard rc == PAM_SUCCESS else { throw .failed(rc) }
        var result: [SecretBytes?] = []
        for (index, message) in messages.enumerated() {
            guard message.isPrompt else { result.append(nil); continue }
            guard let replies, let response = replies[index].resp else { throw .noReply }
            // Read at most one byte past the limit, so a huge reply is never copied.
            let length = strnlen(response, PAMHandle.maximumReplyBytes + 1)
            if length > PAMHandle.maximumReplyBytes { throw .replyTooLong }
            let bytes = SecretBytes(Array(UnsafeRawBufferPointer(start: response, count: length)))
            guard UnicodeText.isValidUTF8(bytes.bytes) else { throw .invalidUTF8 }
            result.append(bytes)
        }
        return result
    }

    /// One line to syslog through libpam (it adds the service and module name). Never pass secrets.
    public func log(_ priority: Int32, _ message: String) {
        sspr_pam_syslog(raw, priority, message)
    }

    public static let logError = LOG_ERR
    public static let logWarning = LOG_WARNING
    public static let logNotice = LOG_NOTICE
    public static let logInfo = LOG_INFO
    public static let logDebug = LOG_DEBUG
}

/// PAM result codes the module returns, by name.
public enum PAMResult {
    public static let success = PAM_SUCCESS
    public static let ignore = PAM_IGNORE
    public static let authError = PAM_AUTH_ERR
    public static let authInfoUnavailable = PAM_AUTHINFO_UNAVAIL
    public static let maxTries = PAM_MAXTRIES
    public static let conversationError = PAM_CONV_ERR
    public static let serviceError = PAM_SERVICE_ERR
    public static let systemError = PAM_SYSTEM_ERR
    public static let authTokenLockBusy = PAM_AUTHTOK_LOCK_BUSY
    public static let authTokenError = PAM_AUTHTOK_ERR
    public static let userUnknown = PAM_USER_UNKNOWN
    public static let silentFlag = Int32(bitPattern: PAM_SILENT)
}

/// The module's argv as strings (arguments that are not UTF-8 are dropped and reported).
public enum ModuleArgv {
    public static func strings(argc: Int32, argv: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> (arguments: [String], invalid: Int) {
        guard let argv, argc > 0, argc < 256 else { return ([], 0) }
        var result: [String] = []
        var invalid = 0
        for i in 0..<Int(argc) {
            guard let p = argv[i] else { invalid += 1; continue }
            let length = strnlen(p, 4096)
            let bytes = Array(UnsafeRawBufferPointer(start: p, count: length))
            if UnicodeText.isValidUTF8(bytes) { result.append(String(decoding: bytes, as: UTF8.self)) } else { invalid += 1 }
        }
        return (result, invalid)
    }
}
