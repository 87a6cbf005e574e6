import FoundationEssentials
import Glibc
import SSPRCore

/// `--json` output: sorted keys, one document, trailing newline, and no character in it that could drive a
/// terminal (`TerminalText.jsonEscaped`: names come from whoever typed them). (FoundationEssentials only: the
/// full Foundation and its ICU data would triple the size of the installed binary for nothing.)
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let bytes = Array(try text(value).utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            offset += n
        }
    }

    /// The document as text, with its trailing newline (also what `enroll --from --output` writes).
    static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return TerminalText.jsonEscaped(String(decoding: try encoder.encode(value), as: UTF8.self)) + "\n"
    }
}
