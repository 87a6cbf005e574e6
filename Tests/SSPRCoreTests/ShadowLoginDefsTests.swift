import Testing
import SSPRCore
import SSPRSystem

@Suite("Shadow hash method from login.defs")
struct ShadowLoginDefsTests {
    @Test(arguments: [
        ("SHA512", "$6$"), ("SHA256", "$5$"), ("YESCRYPT", "$y$"), ("MD5", "$1$"), ("DES", ""),
        ("BCRYPT", "$2b$"), ("GOST_YESCRYPT", "$gy$"), ("sha512", "$6$"),
    ])
    func eachEncryptMethod(name: String, prefix: String) {
        let method = LoginDefs(text: "# comment\nENCRYPT_METHOD \(name)\n").hashMethod
        #expect(method.prefix == prefix)
        #expect(method.name == name.uppercased())
        #expect(method.cost == 0)
    }

    @Test(arguments: ["", "ENCRYPT_METHOD ROT13\n", "#ENCRYPT_METHOD SHA512\n", "ENCRYPT_METHOD\n"])
    func absentOrUnknownFallsBackToLibcrypt(text: String) {
        let method = LoginDefs(text: text).hashMethod
        #expect(method == HashMethod.libcryptDefault)
        #expect(LoginDefs(text: text).namedHashMethod == nil)
    }

    @Test func costs() {
        #expect(LoginDefs(text: "ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 10000\nSHA_CRYPT_MAX_ROUNDS 20000\n").hashMethod.cost == 10_000)
        #expect(LoginDefs(text: "ENCRYPT_METHOD SHA256\nSHA_CRYPT_MAX_ROUNDS 7000\n").hashMethod.cost == 7_000)
        #expect(LoginDefs(text: "ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 10\n").hashMethod.cost == 1_000)
        #expect(LoginDefs(text: "ENCRYPT_METHOD YESCRYPT\nYESCRYPT_COST_FACTOR 7\n").hashMethod.cost == 7)
        #expect(LoginDefs(text: "ENCRYPT_METHOD YESCRYPT\nYESCRYPT_COST_FACTOR 99\n").hashMethod.cost == 11)
        #expect(LoginDefs(text: "ENCRYPT_METHOD YESCRYPT\nYESCRYPT_COST_FACTOR many\n").hashMethod.cost == 0)
    }

    @Test func fileSyntax() {
        let defs = LoginDefs(text: "  ENCRYPT_METHOD\t\"YESCRYPT\"  \r\nENCRYPT_METHOD SHA256\nUMASK 022\n")
        #expect(defs.values["UMASK"] == "022")
        #expect(defs.hashMethod.prefix == "$5$")   // the last occurrence wins, as in shadow-utils
    }

    @Test func missingFileIsEmpty() throws {
        let sandbox = try ShadowSandbox()
        let defs = try LoginDefs.load(paths: sandbox.paths)
        #expect(defs.values.isEmpty)
        try sandbox.write("ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 6000\n", to: sandbox.paths.loginDefs)
        #expect(try LoginDefs.load(paths: sandbox.paths).hashMethod == HashMethod(name: "SHA512", prefix: "$6$", cost: 6_000))
    }

    @Test(arguments: ["SHA512", "SHA256", "YESCRYPT", "MD5", "BCRYPT"])
    func hashesVerifyForEachMethod(name: String) throws {
        let method = LoginDefs(text: "ENCRYPT_METHOD \(name)\n").hashMethod
        let password = SecretBytes(copying: "Tr0ub4dor&3 horse")
        let hash = try PasswordHasher.hash(password, method: method)
        #expect(hash.hasPrefix(try #require(method.prefix)))
        #expect(Crypt.verify(password, against: hash))
        #expect(!Crypt.verify(SecretBytes(copying: "Tr0ub4dor&3 horsE"), against: hash))
        #expect(try PasswordHasher.hash(password, method: method) != hash)   // a fresh salt each time
    }

    @Test func shaRoundsReachTheHash() throws {
        let method = LoginDefs(text: "ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 6000\n").hashMethod
        let hash = try PasswordHasher.hash(SecretBytes(copying: "pw"), method: method)
        #expect(hash.hasPrefix("$6$rounds=6000$"))
    }

    @Test func emptyPasswordIsNeverHashed() {
        #expect(throws: PasswordHasher.Failure.emptyPassword) {
            try PasswordHasher.hash(SecretBytes([]), method: LoginDefs(text: "").hashMethod)
        }
    }
}
