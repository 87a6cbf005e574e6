import Glibc
import SSPRSystem

/// The `password` lines of the PAM stack `passwd` runs, read from `<root>/etc/pam.d` the way libpam reads
/// them, to find pam_unix's arguments: they choose the hash `passwd` writes (SPEC 3).
///
/// Reads the `passwd` service file, or `common-password` when there is none (Debian's shared password
/// stack, which every service file includes), and follows `@include` lines and `password include` /
/// `password substack` lines, and symbolic links (under the root). Guarantees: reads only under the sandbox root, at most `maximumDepth` files deep
/// (an include loop ends there) and `maximumFileSize` bytes per file; a missing file is an empty one.
public struct PAMPasswordStack {
    /// One module line of the password stack.
    public struct ModuleLine: Equatable, Sendable {
        public let module: String
        public let arguments: [String]
        /// "FILE:LINE", for messages.
        public let source: String
    }

    public let lines: [ModuleLine]

    static let serviceFiles = ["passwd", "common-password"]
    static let maximumDepth = 8
    static let maximumFileSize = 1 << 20

    /// Reads the stack. Throws only when a file exists but cannot be read: the hash method is then unknown.
    public static func load(paths: SystemPaths) throws(SystemError) -> PAMPasswordStack {
        for service in serviceFiles {
            var lines: [ModuleLine] = []
            if try read(includePath(service, paths), paths: paths, depth: 0, into: &lines) {
                return PAMPasswordStack(lines: lines)
            }
        }
        return PAMPasswordStack(lines: [])
    }

    /// The arguments of the first pam_unix `password` line: the one `passwd` reaches first.
    public var pamUnix: ModuleLine? {
        lines.first { line in line.module == "pam_unix.so" || line.module.hasSuffix("/pam_unix.so") }
    }

    /// Appends the password lines of `path` (and of what it includes) to `lines`; false when it does not exist.
    static func read(_ path: String, paths: SystemPaths, depth: Int, into lines: inout [ModuleLine]) throws(SystemError) -> Bool {
        let text: String
        do {
            text = try FileSystem.readText(paths.resolvingLinks(path), limit: maximumFileSize)
        } catch let error where error.code == ENOENT {
            return false
        }
        for (index, tokens) in logicalLines(text) {
            guard let kind = tokens.first else { continue }
            let source = "\(path):\(index)"
            if kind == "@include" {
                if tokens.count > 1, depth < maximumDepth {
                    _ = try read(includePath(tokens[1], paths), paths: paths, depth: depth + 1, into: &lines)
                }
                continue
            }
            // "-password" is a password line whose module may be missing.
            let type = kind.hasPrefix("-") ? String(kind.dropFirst()) : kind
            guard type.lowercased() == "password", tokens.count >= 3 else { continue }
            let control = tokens[1].lowercased()
            if control == "include" || control == "substack" {
                if depth < maximumDepth {
                    _ = try read(includePath(tokens[2], paths), paths: paths, depth: depth + 1, into: &lines)
                }
                continue
            }
            lines.append(ModuleLine(module: tokens[2], arguments: Array(tokens.dropFirst(3)), source: source))
        }
        return true
    }

    /// A file an include names: relative names are in the PAM directory; absolute ones are taken under the root.
    static func includePath(_ name: String, _ paths: SystemPaths) -> String {
        name.hasPrefix("/") ? paths.path(name) : paths.path("/etc/pam.d/" + name)
    }

    /// Each non-empty line with its first physical line number, split into tokens as libpam does: comments
    /// run from '#' to the end of the line, a backslash before the line break joins the next line, and a
    /// bracketed field (`[success=1 default=ignore]`) is one token however many spaces it holds.
    static func logicalLines(_ text: String) -> [(Int, [String])] {
        var result: [(Int, [String])] = []
        var pending = ""
        var pendingStart = 0
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if pending.isEmpty { pendingStart = number }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            pending += line
            let tokens = tokenize(pending)
            pending = ""
            if !tokens.isEmpty { result.append((pendingStart, tokens)) }
        }
        return result
    }

    static func tokenize(_ line: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var bracketDepth = 0
        for character in line {
            if character == "[" { bracketDepth += 1 }
            if character == "]" && bracketDepth > 0 { bracketDepth -= 1 }
            if (character == " " || character == "\t" || character == "\r") && bracketDepth == 0 {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
