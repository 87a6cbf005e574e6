import Glibc
import SSPRSystem

/// Reading from the user: secrets with echo off on a terminal (a line from stdin for scripts), never into argv.
enum TerminalInput {
    static func secret(_ prompt: String) throws -> SecretBytes {
        let terminal = isatty(0) == 1
        var saved = termios()
        if terminal {
            writeStderr(prompt)
            tcgetattr(0, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if terminal {
                tcsetattr(0, TCSAFLUSH, &saved)
                writeStderr("\n")
            }
        }
        return try readLine()
    }

    static func line(_ prompt: String) throws -> String {
        if isatty(0) == 1 { writeStderr(prompt) }
        return String(decoding: try readLine().bytes, as: UTF8.self)
    }

    /// One line from stdin, without its newline; at most 4 KiB.
    private static func readLine() throws -> SecretBytes {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if bytes.isEmpty { throw CLIError.failed(translated("no input")) }
                break
            }
            if byte == 0x0a { break }
            bytes.append(byte)
            if bytes.count > 4096 { throw CLIError.failed(translated("input line too long")) }
        }
        if bytes.last == 0x0d { bytes.removeLast() }
        return SecretBytes(bytes)
    }

    static func writeStderr(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
