// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The messages of protocol "sspr-reset/1" (docs/reset-protocol.md), typed, on top of `ResetFrame`.
public enum ResetMessageKind {
    /// module -> helper: the request.
    public static let start = UInt8(ascii: "S")
    /// helper -> module: one conversation round, (style, text) pairs.
    public static let converse = UInt8(ascii: "C")
    /// module -> helper: one reply per message of the round.
    public static let replies = UInt8(ascii: "R")
    /// module -> helper: the application's conversation failed (or gave no or an oversized reply).
    public static let conversationFailed = UInt8(ascii: "F")
    /// helper -> module: the PAM result, and the new password for PAM_AUTHTOK after a completed reset.
    public static let done = UInt8(ascii: "D")
}

/// PAM message styles as libpam numbers them (PAM_PROMPT_ECHO_OFF 1 ... PAM_TEXT_INFO 4).
public enum ConversationStyle: UInt8, Sendable {
    case promptEchoOff = 1
    case promptEchoOn = 2
    case errorText = 3
    case infoText = 4

    public var isPrompt: Bool { self == .promptEchoOff || self == .promptEchoOn }
}

/// The request the module sends first.
public struct ResetRequest: Equatable, Sendable {
    public static let protocolName = "sspr-reset/1"
    public static let maximumArguments = 48

    public enum Hook: String, Sendable { case authenticate = "auth", session = "session" }

    public var hook: Hook
    public var flags: Int32
    /// The real uid of the PAM application (the caller of su, a screen locker's user, 0 for login).
    public var callerUID: UInt32
    /// PAM items; nil when unset, empty or not UTF-8.
    public var user: String?
    public var service: String?
    public var tty: String?
    public var rhost: String?
    public var ruser: String?
    /// The PAM application's LC_MESSAGES locale ("C" when it set none), for the helper's messages.
    public var locale: String
    /// The module's arguments; `invalidArguments` counts those that were not UTF-8.
    public var arguments: [String]
    public var invalidArguments: Int

    public init(hook: Hook, flags: Int32, callerUID: UInt32, user: String?, service: String?, tty: String?,
                rhost: String?, ruser: String?, locale: String = "C", arguments: [String], invalidArguments: Int = 0) {
        self.hook = hook
        self.flags = flags
        self.callerUID = callerUID
        self.user = user
        self.service = service
        self.tty = tty
        self.rhost = rhost
        self.ruser = ruser
        self.locale = locale
        self.arguments = arguments
        self.invalidArguments = invalidArguments
    }

    public init(frame: ResetFrame) throws(ResetProtocolError) {
        guard frame.kind == ResetMessageKind.start else { throw .unexpectedKind(frame.kind) }
        let f = frame.fields
        guard f.count >= 10, f.count <= 10 + ResetRequest.maximumArguments else { throw .malformed("start: field count") }
        guard f[0] == Array(ResetRequest.protocolName.utf8) else { throw .wrongProtocol }
        guard let hookText = ProtocolText.string(f[1]), let hook = Hook(rawValue: hookText) else { throw .malformed("start: hook") }
        guard let flags = ProtocolText.integer(f[2], maximum: Int64(Int32.max)),
              let uid = ProtocolText.integer(f[3], maximum: Int64(UInt32.max)) else { throw .malformed("start: number") }
        self.hook = hook
        self.flags = Int32(truncatingIfNeeded: flags)
        self.callerUID = UInt32(truncatingIfNeeded: uid)
        user = ProtocolText.item(f[4])
        service = ProtocolText.item(f[5])
        tty = ProtocolText.item(f[6])
        rhost = ProtocolText.item(f[7])
        ruser = ProtocolText.item(f[8])
        // A locale name is short and plain ("de_DE.UTF-8", "C"); anything else is "C".
        let localeOK = f[9].count <= 64 && f[9].allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }
        locale = localeOK ? (ProtocolText.item(f[9]) ?? "C") : "C"
        arguments = []
        invalidArguments = 0
        for field in f[10...] {
            if let text = ProtocolText.string(field), !text.isEmpty { arguments.append(text) } else { invalidArguments += 1 }
        }
    }

    public var frame: ResetFrame {
        var fields: [[UInt8]] = [Array(ResetRequest.protocolName.utf8), Array(hook.rawValue.utf8), Array(String(flags).utf8),
                                 Array(String(callerUID).utf8)]
        for item in [user, service, tty, rhost, ruser] { fields.append(Array((item ?? "").utf8)) }
        fields.append(Array(locale.utf8))
        for argument in arguments { fields.append(Array(argument.utf8)) }
        return ResetFrame(kind: ResetMessageKind.start, fields: fields)
    }
}

/// One message of a conversation round.
public struct ConversationMessage: Equatable, Sendable {
    public static let maximumTextBytes = 1024
    public static let maximumPerRound = 32

    public let style: ConversationStyle
    public let text: String

    public init(_ style: ConversationStyle, _ text: String) {
        self.style = style
        self.text = text
    }

    /// A 'C' frame for these messages. Text the module would refuse (too long, NUL) is replaced, not sent.
    public static func frame(_ messages: [ConversationMessage]) throws(ResetProtocolError) -> ResetFrame {
        guard !messages.isEmpty, messages.count <= maximumPerRound else { throw .malformed("converse: message count") }
        var fields: [[UInt8]] = []
        for message in messages {
            var text = Array(message.text.utf8).map { $0 == 0 ? UInt8(ascii: "?") : $0 }
            if text.count > maximumTextBytes { text = Array(text.prefix(maximumTextBytes)) }
            fields.append([UInt8(ascii: "0") + message.style.rawValue])
            fields.append(text)
        }
        return ResetFrame(kind: ResetMessageKind.converse, fields: fields)
    }

    /// Decodes a 'C' frame (the module's side of the contract, used in tests and the fuzzer).
    public static func decode(_ frame: ResetFrame) throws(ResetProtocolError) -> [ConversationMessage] {
        guard frame.kind == ResetMessageKind.converse else { throw .unexpectedKind(frame.kind) }
        let f = frame.fields
        guard !f.isEmpty, f.count % 2 == 0, f.count / 2 <= maximumPerRound else { throw .malformed("converse: field count") }
        var messages: [ConversationMessage] = []
        var i = 0
        while i < f.count {
            guard f[i].count == 1, let digit = f[i].first, digit >= UInt8(ascii: "1"),
                  let style = ConversationStyle(rawValue: digit - UInt8(ascii: "0")) else { throw .malformed("converse: style") }
            guard f[i + 1].count <= maximumTextBytes, !f[i + 1].contains(0), let text = ProtocolText.string(f[i + 1]) else {
                throw .malformed("converse: text")
            }
            messages.append(ConversationMessage(style, text))
            i += 2
        }
        return messages
    }
}

/// The module's answer to one round.
public enum ConversationReplies: Sendable {
    public static let maximumReplyBytes = 512

    /// One reply per message (empty for non-prompts), or nil when the application's conversation failed.
    public static func decode(_ frame: ResetFrame, expected count: Int) throws(ResetProtocolError) -> [[UInt8]]? {
        switch frame.kind {
        case ResetMessageKind.conversationFailed:
            guard frame.fields.isEmpty else { throw .malformed("conversation failed: fields") }
            return nil
        case ResetMessageKind.replies:
            guard frame.fields.count == count else { throw .malformed("replies: count") }
            guard frame.fields.allSatisfy({ $0.count <= maximumReplyBytes && !$0.contains(0) }) else {
                throw .malformed("replies: reply")
            }
            return frame.fields
        default:
            throw .unexpectedKind(frame.kind)
        }
    }
}

/// The helper's last message.
public enum ResetDone {
    public static func frame(result: Int32, newPassword: [UInt8]?) -> ResetFrame {
        var fields: [[UInt8]] = [Array(String(result).utf8)]
        if let newPassword { fields.append(newPassword) }
        return ResetFrame(kind: ResetMessageKind.done, fields: fields)
    }
}

/// Text fields: UTF-8 strictly, decimal numbers strictly.
enum ProtocolText {
    static func string(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return Array(text.utf8) == bytes ? text : nil
    }

    /// A PAM item: nil for empty or invalid.
    static func item(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, !bytes.contains(0) else { return nil }
        return string(bytes)
    }

    static func integer(_ bytes: [UInt8], maximum: Int64) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 10 else { return nil }
        var value: Int64 = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
        }
        return value <= maximum ? value : nil
    }
}
