import Foundation
import Testing
import SSPRCore
import SSPRSystem

/// The hash a reset writes is the one `passwd` would write: pam_unix's options in the password stack, then
/// login.defs, then libcrypt's preferred method (SPEC 3), all read from the sandbox root.
@Suite("Shadow hash method: what passwd would write")
struct ShadowHashChoiceTests {
    let today = 20_416

    static var debianFixture: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/debian12-etc").path
    }

    /// Puts Debian 12's stock login.defs, pam.d/passwd and pam.d/common-password into the sandbox.
    func installDebianStock(_ sandbox: ShadowSandbox) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: sandbox.paths.loginDefs)
        try fm.copyItem(atPath: Self.debianFixture + "/login.defs", toPath: sandbox.paths.loginDefs)
        try fm.copyItem(atPath: Self.debianFixture + "/pam.d", toPath: sandbox.etc + "/pam.d")
    }

    func writeCommonPassword(_ sandbox: ShadowSandbox, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: sandbox.etc + "/pam.d", withIntermediateDirectories: true)
        try sandbox.write(text, to: sandbox.etc + "/pam.d/common-password")
    }

    func reset(_ sandbox: ShadowSandbox, password: String) throws -> String {
        let secret = SecretBytes(copying: password)
        _ = try ShadowPasswordChange(paths: sandbox.paths, remember: 0)
            .apply(user: "alice", uid: 1001, expectedCurrentHash: FixtureLines.yescrypt, newPassword: secret, today: today)
        let hash = try #require(ShadowFile(bytes: try sandbox.bytes(sandbox.paths.shadow)).entry(named: "alice")).entry.hash
        #expect(Crypt.verify(secret, against: hash))
        return hash
    }

    @Test func debianStockFilesWriteYescrypt() throws {
        let sandbox = try ShadowSandbox()
        try installDebianStock(sandbox)
        // The fixture is the trap the issue names: login.defs says SHA512, the PAM stack says yescrypt.
        #expect(try LoginDefs.load(paths: sandbox.paths).hashMethod.prefix == "$6$")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == HashMethod(name: "yescrypt", prefix: "$y$", cost: 5))
        let hash = try reset(sandbox, password: "a brand new passphrase")
        #expect(hash.hasPrefix("$y$j9T$"), "yescrypt at pam_unix's cost 5, as passwd writes on Debian 12")
    }

    @Test func sha512WithRoundsFromCommonPassword() throws {
        let sandbox = try ShadowSandbox()
        try sandbox.write("ENCRYPT_METHOD YESCRYPT\nYESCRYPT_COST_FACTOR 7\n", to: sandbox.paths.loginDefs)
        try writeCommonPassword(sandbox, "password\t[success=1 default=ignore]\tpam_unix.so obscure sha512 rounds=20000\n")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == HashMethod(name: "sha512", prefix: "$6$", cost: 20_000))
        #expect(try reset(sandbox, password: "sha rounds from pam").hasPrefix("$6$rounds=20000$"))
    }

    @Test func loginDefsWhenTheStackHasNoPamUnix() throws {
        let sandbox = try ShadowSandbox()
        try sandbox.write("ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 6000\nSHA_CRYPT_MAX_ROUNDS 9000\n", to: sandbox.paths.loginDefs)
        // A stack whose password line is another module: login.defs decides, as shadow-utils reads it.
        try writeCommonPassword(sandbox, "password required pam_sss.so\n")
        #expect(try reset(sandbox, password: "login defs decide").hasPrefix("$6$rounds=6000$"))
    }

    @Test func libcryptsPreferredMethodWhenNothingNamesOne() throws {
        let sandbox = try ShadowSandbox()
        try? FileManager.default.removeItem(atPath: sandbox.paths.loginDefs)
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == .libcryptDefault)
        #expect(try reset(sandbox, password: "libcrypt decides").hasPrefix(Crypt.preferredPrefix))
        // pam_unix without a method and login.defs without one: libcrypt's choice, not pam_unix's DES.
        try writeCommonPassword(sandbox, "password [success=1 default=ignore] pam_unix.so obscure\n")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == .libcryptDefault)
    }

    @Test func pamUnixTakesItsMethodFromLoginDefsWhenTheLineNamesNone() throws {
        let sandbox = try ShadowSandbox()
        try sandbox.write("ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 6000\nSHA_CRYPT_MAX_ROUNDS 7000\n", to: sandbox.paths.loginDefs)
        try writeCommonPassword(sandbox, "password [success=1 default=ignore] pam_unix.so obscure\n")
        // pam_unix presets the method from ENCRYPT_METHOD and the rounds from SHA_CRYPT_MAX_ROUNDS.
        #expect(try reset(sandbox, password: "preset by login defs").hasPrefix("$6$rounds=7000$"))
    }

    @Test(arguments: [
        ("yescrypt", "yescrypt", "$y$", 5),
        ("sha512", "sha512", "$6$", 0),
        ("sha256 rounds=5000", "sha256", "$5$", 5_000),
        ("sha512 rounds=999", "sha512", "$6$", 0),                  // under 1000: libcrypt's default
        ("sha512 rounds=20000000", "sha512", "$6$", 9_999_999),
        ("yescrypt rounds=8", "yescrypt", "$y$", 8),
        ("yescrypt rounds=12", "yescrypt", "$y$", 5),               // outside 3...11: 5
        ("gost_yescrypt", "gost_yescrypt", "$gy$", 5),
        ("blowfish rounds=10", "blowfish", "$2b$", 10),
        ("blowfish rounds=3", "blowfish", "$2b$", 5),
        ("md5", "md5", "$1$", 0),
        ("bigcrypt", "bigcrypt", "", 0),
        ("md5 sha512 yescrypt", "yescrypt", "$y$", 5),              // the last method on the line wins
        ("sha512 md5", "md5", "$1$", 0),
        ("nullok try_first_pass sha512rounds", "sha512", "$6$", 0),  // a prefix match, as strncmp does
        ("rounds=7 yescrypt", "yescrypt", "$y$", 7),
    ])
    func pamUnixArguments(arguments: String, name: String, prefix: String, cost: Int) {
        let options = PamUnixHashOptions(arguments: arguments.split(separator: " ").map(String.init))
        #expect(options.hashMethod(loginDefs: LoginDefs(text: "")) == HashMethod(name: name, prefix: prefix, cost: UInt(cost)))
    }

    @Test(arguments: ["yescrypt", "sha512", "sha256 rounds=1000", "blowfish", "gost_yescrypt", "md5"])
    func everyPamUnixMethodHashesAndVerifies(arguments: String) throws {
        let options = PamUnixHashOptions(arguments: arguments.split(separator: " ").map(String.init))
        let method = try #require(options.hashMethod(loginDefs: LoginDefs(text: "")))
        let password = SecretBytes(copying: "Tr0ub4dor&3 horse")
        let hash = try PasswordHasher.hash(password, method: method)
        #expect(hash.hasPrefix(try #require(method.prefix)))
        #expect(Crypt.verify(password, against: hash))
    }

    @Test func stackSyntax() throws {
        let sandbox = try ShadowSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.etc + "/pam.d", withIntermediateDirectories: true)
        try sandbox.write("""
            # a comment naming pam_unix.so sha256
            auth required pam_unix.so md5
            @include common-password
            password include extra-password
            """, to: sandbox.etc + "/pam.d/passwd")
        try sandbox.write("""
            -password optional pam_gnome_keyring.so
            password [success=1 \\
                default=ignore] /usr/lib/x86_64-linux-gnu/security/pam_unix.so obscure sha512 # yescrypt
            password requisite pam_deny.so
            """, to: sandbox.etc + "/pam.d/common-password")
        try sandbox.write("password required pam_unix.so md5\n@include passwd\n", to: sandbox.etc + "/pam.d/extra-password")
        let stack = try PAMPasswordStack.load(paths: sandbox.paths)
        let pamUnix = try #require(stack.pamUnix)
        #expect(pamUnix.arguments == ["obscure", "sha512"])
        #expect(pamUnix.source == sandbox.etc + "/pam.d/common-password:2")
        // The include loop (extra-password includes passwd) ends at the depth bound instead of running forever.
        #expect(stack.lines.count > 4)
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths).prefix == "$6$")
    }

    @Test func commonPasswordIsReadWhenThereIsNoPasswdServiceFile() throws {
        let sandbox = try ShadowSandbox()
        try writeCommonPassword(sandbox, "password [success=1 default=ignore] pam_unix.so yescrypt rounds=6\n")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == HashMethod(name: "yescrypt", prefix: "$y$", cost: 6))
    }

    @Test func linkedFilesAreFollowedUnderTheRoot() throws {
        // As on NixOS: /etc/pam.d/passwd and /etc/login.defs are links to absolute paths in /etc/static.
        let sandbox = try ShadowSandbox()
        let fm = FileManager.default
        try fm.createDirectory(atPath: sandbox.etc + "/static/pam.d", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: sandbox.etc + "/pam.d", withIntermediateDirectories: true)
        try sandbox.write("password required pam_unix.so sha512 rounds=12345\n", to: sandbox.etc + "/static/pam.d/passwd")
        try fm.createSymbolicLink(atPath: sandbox.etc + "/pam.d/passwd", withDestinationPath: "/etc/static/pam.d/passwd")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths) == HashMethod(name: "sha512", prefix: "$6$", cost: 12_345))
        try fm.removeItem(atPath: sandbox.etc + "/pam.d/passwd")
        try sandbox.write("ENCRYPT_METHOD SHA256\n", to: sandbox.etc + "/static/login.defs")
        try? fm.removeItem(atPath: sandbox.paths.loginDefs)
        try fm.createSymbolicLink(atPath: sandbox.paths.loginDefs, withDestinationPath: "/etc/static/login.defs")
        #expect(try HashMethod.forNewPassword(paths: sandbox.paths).prefix == "$5$")
    }

    @Test func anUnreadableStackWritesNothing() throws {
        let sandbox = try ShadowSandbox()
        // A directory where the file should be: it exists but cannot be read as a file.
        try FileManager.default.createDirectory(atPath: sandbox.etc + "/pam.d/passwd", withIntermediateDirectories: true)
        let before = try sandbox.bytes(sandbox.paths.shadow)
        #expect(throws: ShadowUpdateError.self) { try reset(sandbox, password: "never written") }
        #expect(try sandbox.bytes(sandbox.paths.shadow) == before)
    }
}
