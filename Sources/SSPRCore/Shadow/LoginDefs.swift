import Glibc
import SSPRSystem

/// The settings of `<root>/etc/login.defs` that choose how new passwords are hashed, read the way
/// shadow-utils' getdef reads the file: `NAME value` lines, `#` comments, surrounding quotes removed, the
/// last occurrence of a name wins.
///
/// Guarantees: `hashMethod` always returns a method. An absent file, an absent or unknown `ENCRYPT_METHOD`
/// fall back to libcrypt's preferred method (SPEC 3); costs outside the range shadow-utils accepts are clamped.
/// These are shadow-utils' rules; when the PAM password stack has pam_unix, `PamUnixHashOptions` decides instead.
public struct LoginDefs: Equatable, Sendable {
    public let values: [String: String]

    public init(text: String) {
        var values: [String: String] = [:]
        // Split on any line break: "\r\n" is one Character in Swift, so splitting on "\n" alone would miss it.
        for rawLine in text.split(whereSeparator: { $0.isNewline }) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard let first = line.first, first != "#" else { continue }
            let name = line.prefix { $0 != " " && $0 != "\t" }
            var value = Substring(line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" })
            while let last = value.last, last == " " || last == "\t" || last == "\r" { value.removeLast() }
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            values[String(name)] = String(value)
        }
        self.values = values
    }

    /// Reads `paths.loginDefs` (a link followed under the root); a missing file is an empty one (every default
    /// applies).
    public static func load(paths: SystemPaths) throws(SystemError) -> LoginDefs {
        do {
            return LoginDefs(text: try FileSystem.readText(paths.resolvingLinks(paths.loginDefs), limit: 1 << 20))
        } catch let error where error.code == ENOENT {
            return LoginDefs(text: "")
        }
    }

    func number(_ name: String) -> Int? {
        guard let text = values[name], !text.isEmpty, text.count <= 18 else { return nil }
        return Int(text)
    }

    /// The method and cost for a new password.
    public var hashMethod: HashMethod { namedHashMethod ?? .libcryptDefault }

    /// The method `ENCRYPT_METHOD` names, with its cost; nil when it is absent or unknown.
    public var namedHashMethod: HashMethod? {
        let method = (values["ENCRYPT_METHOD"] ?? "").uppercased()
        switch method {
        case "SHA512": return HashMethod(name: method, prefix: "$6$", cost: shaRounds)
        case "SHA256": return HashMethod(name: method, prefix: "$5$", cost: shaRounds)
        case "YESCRYPT": return HashMethod(name: method, prefix: "$y$", cost: costFactor("YESCRYPT_COST_FACTOR", 1...11))
        case "GOST_YESCRYPT": return HashMethod(name: method, prefix: "$gy$", cost: costFactor("YESCRYPT_COST_FACTOR", 1...11))
        case "BCRYPT": return HashMethod(name: method, prefix: "$2b$", cost: bcryptRounds)
        case "MD5": return HashMethod(name: method, prefix: "$1$", cost: 0)
        case "DES": return HashMethod(name: method, prefix: "", cost: 0)
        default: return nil
        }
    }

    /// SHA_CRYPT_MIN_ROUNDS / SHA_CRYPT_MAX_ROUNDS. shadow-utils picks at random between them (one missing takes
    /// the other's value); we take the lower bound: the cost the administrator accepted as enough, with a
    /// predictable login time. Neither set: libcrypt's default (5000). Clamped to 1000...999999999.
    var shaRounds: UInt {
        guard let rounds = number("SHA_CRYPT_MIN_ROUNDS") ?? number("SHA_CRYPT_MAX_ROUNDS") else { return 0 }
        return UInt(min(max(rounds, 1_000), 999_999_999))
    }

    var bcryptRounds: UInt {
        guard let rounds = number("BCRYPT_MIN_ROUNDS") ?? number("BCRYPT_MAX_ROUNDS") else { return 0 }
        return UInt(min(max(rounds, 4), 31))
    }

    func costFactor(_ name: String, _ range: ClosedRange<Int>) -> UInt {
        guard let value = number(name) else { return 0 }
        return UInt(min(max(value, range.lowerBound), range.upperBound))
    }
}
