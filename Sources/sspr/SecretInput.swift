import Glibc
import SSPRCore
import SSPRSystem

/// Reads secrets (codes, answers) from stdin or a file as bytes, never as a `String` that could be logged.
enum SecretInput {
    static let limit = 64 * 1024

    /// All of stdin, split into lines (trailing "\r" removed). Each line is a separate secret buffer.
    static func stdinLines() throws -> [SecretBytes] {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw CLIError.failed(translated("cannot read standard input")) }
            if n == 0 { break }
            all.append(contentsOf: chunk[0..<n])
            if all.count > limit { throw CLIError.failed(translated("standard input is longer than {limit} bytes", ["limit": String(limit)])) }
        }
        defer { wipe(&all); wipe(&chunk) }
        return lines(all)
    }

    static func fileLines(_ path: String) throws -> [SecretBytes] {
        if path == "-" { return try stdinLines() }
        do {
            var bytes = try FileSystem.readFile(path, limit: limit)
            defer { wipe(&bytes) }
            return lines(bytes)
        } catch {
            throw CLIError.failed("\(error)")
        }
    }

    static func lines(_ bytes: [UInt8]) -> [SecretBytes] {
        var result: [SecretBytes] = []
        for part in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            var line = Array(part)
            if line.last == 0x0d { line.removeLast() }
            result.append(SecretBytes(line))
        }
        while let last = result.last, last.isEmpty { result.removeLast() }
        return result
    }

    static func wipe(_ bytes: inout [UInt8]) {
        for i in bytes.indices { bytes[i] = 0 }
    }
}
