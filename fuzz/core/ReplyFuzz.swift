// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libFuzzer target for what the module does with conversation replies before any store or shadow access: the
// answer normaliser (libunistring case folding + NFC through the real C shim), the offer's yes test and the
// menu choice. No reply may trap; normalising is idempotent; a normalised answer is 3..40 scalars without
// control characters or edge spaces.   make fuzz-all
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reply = SecretBytes(bytes)
    if let normal = try? AnswerNormaliser.normalise(reply) {
        let out = normal.bytes
        if out.first == 0x20 || out.last == 0x20 { fatalError("edge space") }
        if out.contains(where: { $0 < 0x20 || $0 == 0x7f }) { fatalError("control character") }
        let length = out.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        if length < 3 || length > 40 { fatalError("length \(length)") }
        guard let twice = try? AnswerNormaliser.normalise(SecretBytes(out)) else { fatalError("not stable") }
        if twice.bytes != out { fatalError("normalising is not idempotent") }
    }
    // The offer (ResetFlow.isYes) and the menu choice (ResetFlow.choose) as the module reads them.
    let text = String(decoding: bytes, as: UTF8.self)
    let trimmed = trim(text)
    _ = trimmed.lowercased() == "yes"
    if let n = Int(trimmed), n >= 1, n <= 6 { _ = MethodKind.allCases[min(n - 1, MethodKind.allCases.count - 1)] }
    return 0
}
