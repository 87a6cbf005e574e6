// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libFuzzer target for sspr-reset's decoder: bytes from the module (or, through the reset socket, from any
// local process) go through the frame header check, the frame decoder and every message decoder the helper
// uses. Any crash, trap or sanitizer report is a bug; what decodes must encode back to the same bytes.
//   make fuzz FUZZ_SECONDS=300
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResetProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 4, let length = try? ResetFrame.payloadLength(header: Array(bytes[0..<4])) else { return 0 }
    let payload = Array(bytes[4...].prefix(length))
    guard payload.count == length, let frame = try? ResetFrame.decode(payload: payload) else { return 0 }
    guard let encoded = try? frame.encoded(), encoded == Array(bytes[0..<(4 + length)]) else {
        fatalError("a decoded frame does not encode to the same bytes")
    }
    if let request = try? ResetRequest(frame: frame) {
        // A request that decodes re-encodes to one that decodes to the same request.
        guard let again = try? ResetRequest(frame: request.frame), again.user == request.user,
              again.arguments == request.arguments, again.hook == request.hook, again.locale == request.locale else {
            fatalError("a start frame does not round-trip")
        }
    }
    _ = try? ConversationReplies.decode(frame, expected: frame.fields.count)
    if let messages = try? ConversationMessage.decode(frame) {
        guard let again = try? ConversationMessage.frame(messages), (try? ConversationMessage.decode(again)) == messages else {
            fatalError("a conversation frame does not round-trip")
        }
    }
    return 0
}
