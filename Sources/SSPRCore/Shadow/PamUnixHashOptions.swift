/// What pam_unix's `password` line says about hashing new passwords, and the method and cost pam_unix would
/// then use: the hash `passwd` (and `chpasswd`, and every other program that changes a password through the
/// PAM stack) writes.
///
/// pam_unix reads its arguments from one table (Linux-PAM `modules/pam_unix/support.c`, `_set_ctrl`); the
/// rules below follow it, re-stated from its documented behaviour:
/// - an argument selects a method when it *starts with* a method's name (`strncmp` on the name's length), and
///   the last method on the line wins; `rounds=N` sets the cost;
/// - before the arguments, `ENCRYPT_METHOD` in login.defs presets the method (compared case-insensitively,
///   also by prefix), and for a SHA preset `SHA_CRYPT_MAX_ROUNDS` presets the rounds;
/// - without rounds, yescrypt, gost-yescrypt and blowfish use cost 5; yescrypt costs outside 3...11 and
///   blowfish costs outside 4...31 become 5; SHA rounds under 1000 are dropped (libcrypt's default) and
///   capped at 9,999,999; md5 and bigcrypt take no cost.
///
/// One deliberate difference: with no method at all (none on the line, none in login.defs) pam_unix writes
/// traditional DES; sspr then uses libcrypt's preferred method instead of the weakest hash there is.
public struct PamUnixHashOptions: Equatable, Sendable {
    /// pam_unix's hashing arguments, by their argument names.
    public enum Method: String, CaseIterable, Sendable {
        case md5, bigcrypt, sha256, sha512, blowfish, gostYescrypt = "gost_yescrypt", yescrypt
    }

    /// The method the arguments select; nil when none does.
    public let method: Method?
    /// The `rounds=` argument as pam_unix reads it (strtol); nil when absent.
    public let rounds: Int?

    /// Reads the arguments of one pam_unix line (everything after the module path).
    public init(arguments: [String]) {
        var method: Method?
        var rounds: Int?
        for argument in arguments {
            if argument.hasPrefix("rounds=") {
                rounds = Self.leadingInteger(argument.dropFirst("rounds=".count))
            } else if let selected = Method.allCases.first(where: { argument.hasPrefix($0.rawValue) }) {
                method = selected
            }
        }
        self.method = method
        self.rounds = rounds
    }

    /// The method and cost pam_unix would hash with, given login.defs; nil when neither names a method
    /// (pam_unix's DES fallback, which the caller replaces by libcrypt's preferred method).
    public func hashMethod(loginDefs: LoginDefs) -> HashMethod? {
        let preset = Self.preset(loginDefs)
        guard let method = method ?? preset else { return nil }
        var rounds = self.rounds
        if rounds == nil, preset == .sha256 || preset == .sha512 {
            rounds = loginDefs.number("SHA_CRYPT_MAX_ROUNDS")
        }
        let name = method.rawValue
        switch method {
        case .md5: return HashMethod(name: name, prefix: "$1$", cost: 0)
        // libcrypt cannot make a bigcrypt setting; bigcrypt of a password of up to 8 characters is DES, which is
        // what pam_unix itself stores for those.
        case .bigcrypt: return HashMethod(name: name, prefix: "", cost: 0)
        case .sha256: return HashMethod(name: name, prefix: "$5$", cost: Self.shaRounds(rounds))
        case .sha512: return HashMethod(name: name, prefix: "$6$", cost: Self.shaRounds(rounds))
        case .blowfish: return HashMethod(name: name, prefix: "$2b$", cost: Self.cost(rounds, 4...31))
        case .gostYescrypt: return HashMethod(name: name, prefix: "$gy$", cost: Self.cost(rounds, 3...11))
        case .yescrypt: return HashMethod(name: name, prefix: "$y$", cost: Self.cost(rounds, 3...11))
        }
    }

    /// The method login.defs presets for pam_unix: the first of pam_unix's method names that `ENCRYPT_METHOD`
    /// starts with, ignoring case ("SHA512" is sha512; "DES" and unknown names preset nothing).
    static func preset(_ loginDefs: LoginDefs) -> Method? {
        guard let value = loginDefs.values["ENCRYPT_METHOD"]?.lowercased(), !value.isEmpty else { return nil }
        return Method.allCases.first { value.hasPrefix($0.rawValue) }
    }

    /// Without rounds, or outside the range: 5, as pam_unix does for these methods.
    static func cost(_ rounds: Int?, _ range: ClosedRange<Int>) -> UInt {
        guard let rounds, range.contains(rounds) else { return 5 }
        return UInt(rounds)
    }

    /// Under 1000 (or absent): libcrypt's default (5000), as pam_unix drops such values; capped at 9,999,999.
    static func shaRounds(_ rounds: Int?) -> UInt {
        guard let rounds, rounds >= 1_000, rounds != Int(Int32.max) else { return 0 }
        return UInt(min(rounds, 9_999_999))
    }

    /// strtol's reading of a decimal number: leading blanks, a sign, then digits up to the first non-digit;
    /// no digits is 0. Saturates instead of overflowing (out-of-range values are then clamped by the caller).
    static func leadingInteger(_ text: Substring) -> Int {
        var rest = text.drop { $0 == " " || $0 == "\t" }
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        var value = 0
        for character in rest {
            guard let digit = character.wholeNumberValue, character.isASCII else { break }
            value = value > (Int(Int32.max) - digit) / 10 ? Int(Int32.max) : value * 10 + digit
        }
        return negative ? -value : value
    }
}
