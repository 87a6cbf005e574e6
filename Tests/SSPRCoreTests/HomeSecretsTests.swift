// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// What the old password also locks (issue 14): the home inspection, the move aside, the fscrypt reader and the
/// policy keys, on sandbox homes. (The real programs' files are exercised through PAM in
/// tests/pam/test_home_secrets.py.)
@Suite struct HomeSecretsTests {

    /// A sandbox with alice's home (owned by her) and `files` (path below the home -> contents) in it.
    static func home(_ files: [String: String] = [:]) throws -> (Sandbox, String) {
        let box = try Sandbox()
        let home = box.root + "/home/alice"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        for (path, text) in files {
            let full = home + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: false, encoding: .utf8)
        }
        chownTree(home)
        return (box, home)
    }

    static func chownTree(_ path: String) {
        lchown(path, 1001, 1001)
        for sub in (FileManager.default.subpaths(atPath: path) ?? []) { lchown(path + "/" + sub, 1001, 1001) }
    }

    /// alice as the sandbox's passwd has her (uid 1001, home /home/alice).
    static func alice(_ box: Sandbox) throws -> Account {
        try #require(AccountDirectory(paths: box.paths).account(named: "alice"))
    }

    static func inspect(_ box: Sandbox) throws -> HomeSecrets {
        HomeInspector(paths: box.paths, account: try alice(box)).inspect { _ in }
    }

    @Test func findsTheGnomeKeyringAndTheKWalletWithItsSalt() throws {
        let (box, _) = try HomeSecretsTests.home([".local/share/keyrings/login.keyring": "k",
                                                  ".local/share/kwalletd/kdewallet.kwl": "w",
                                                  ".local/share/kwalletd/kdewallet.salt": "s"])
        let found = try HomeSecretsTests.inspect(box)
        #expect(found.keyrings.map(\.displayPath) == ["~/.local/share/keyrings/login.keyring",
                                                      "~/.local/share/kwalletd/kdewallet.kwl"])
        #expect(found.encryptedHome.isEmpty && !found.homed && !found.incomplete && found.costsSomething)

        let moved = KeyringMove(paths: box.paths, account: try HomeSecretsTests.alice(box))
            .moveAside(found.keyrings, date: "2026-11-28") { _ in }
        #expect(moved.map(\.displayPath) == ["~/.local/share/keyrings/login.keyring.before-reset-2026-11-28",
                                             "~/.local/share/kwalletd/kdewallet.kwl.before-reset-2026-11-28"])
        #expect(moved.map(\.kind) == [.gnome, .kwallet])
        let wallet = box.root + "/home/alice/.local/share/kwalletd"
        #expect(try FileSystem.listDirectory(wallet).sorted() == ["kdewallet.kwl.before-reset-2026-11-28",
                                                                 "kdewallet.salt.before-reset-2026-11-28"])
        #expect(try String(contentsOfFile: wallet + "/kdewallet.salt.before-reset-2026-11-28", encoding: .utf8) == "s")
    }

    @Test func anExistingAsideNameIsNeverReplaced() throws {
        let (box, home) = try HomeSecretsTests.home([".local/share/keyrings/login.keyring": "new",
                                                     ".local/share/keyrings/login.keyring.before-reset-2026-11-28": "first"])
        let found = try HomeSecretsTests.inspect(box)
        let moved = KeyringMove(paths: box.paths, account: try HomeSecretsTests.alice(box))
            .moveAside(found.keyrings, date: "2026-11-28") { _ in }
        #expect(moved.map(\.displayPath) == ["~/.local/share/keyrings/login.keyring.before-reset-2026-11-28-2"])
        let dir = home + "/.local/share/keyrings/"
        #expect(try String(contentsOfFile: dir + "login.keyring.before-reset-2026-11-28", encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: dir + "login.keyring.before-reset-2026-11-28-2", encoding: .utf8) == "new")
    }

    @Test func symlinksAndForeignFilesAreNotKeyrings() throws {
        let (box, home) = try HomeSecretsTests.home()
        let fm = FileManager.default
        try fm.createDirectory(atPath: home + "/.local/share/keyrings", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: home + "/.local/share/keyrings/login.keyring", withDestinationPath: "/etc/shadow")
        try fm.createSymbolicLink(atPath: home + "/.local/share/kwalletd", withDestinationPath: "kwalletd")  // a loop
        let outside = box.root + "/outside/share/apps/kwallet"
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "w".write(toFile: outside + "/kdewallet.kwl", atomically: false, encoding: .utf8)
        chown(outside + "/kdewallet.kwl", 1001, 1001)
        try fm.createSymbolicLink(atPath: home + "/.kde", withDestinationPath: box.root + "/outside")
        HomeSecretsTests.chownTree(home)
        #expect(try HomeSecretsTests.inspect(box).keyrings.isEmpty)

        // A keyring that is not alice's own (root's file in her home) is not hers to move either.
        try fm.removeItem(atPath: home + "/.local/share/keyrings/login.keyring")
        try "root".write(toFile: home + "/.local/share/keyrings/login.keyring", atomically: false, encoding: .utf8)
        chown(home + "/.local/share/keyrings/login.keyring", 0, 0)
        #expect(try HomeSecretsTests.inspect(box).keyrings.isEmpty)
    }

    @Test func aKeyringSwappedForASymlinkAfterTheCheckIsLeftAlone() throws {
        let (box, home) = try HomeSecretsTests.home([".local/share/keyrings/login.keyring": "k"])
        let found = try HomeSecretsTests.inspect(box)
        #expect(found.keyrings.count == 1)
        // Between the check and the move the user replaces the directory with a symlink out of the home.
        let fm = FileManager.default
        try fm.createDirectory(atPath: box.root + "/elsewhere/keyrings", withIntermediateDirectories: true)
        try "target".write(toFile: box.root + "/elsewhere/keyrings/login.keyring", atomically: false, encoding: .utf8)
        chown(box.root + "/elsewhere/keyrings/login.keyring", 1001, 1001)
        try fm.removeItem(atPath: home + "/.local/share/keyrings")
        try fm.createSymbolicLink(atPath: home + "/.local/share/keyrings", withDestinationPath: box.root + "/elsewhere/keyrings")
        var logged: [String] = []
        let moved = KeyringMove(paths: box.paths, account: try HomeSecretsTests.alice(box))
            .moveAside(found.keyrings, date: "2026-11-28") { logged.append($0) }
        #expect(moved.isEmpty)
        #expect(try FileSystem.listDirectory(box.root + "/elsewhere/keyrings") == ["login.keyring"])
        #expect(logged.contains { $0.contains("changed since the check") })
    }

    @Test func encryptedHomesAndHomedAccountsAreFound() throws {
        let (box, _) = try HomeSecretsTests.home([".ecryptfs/wrapped-passphrase": "x"])
        #expect(try HomeSecretsTests.inspect(box).encryptedHome == [.ecryptfs])

        let (shared, _) = try HomeSecretsTests.home()
        try FileManager.default.createDirectory(atPath: shared.root + "/home/.ecryptfs/alice/.ecryptfs", withIntermediateDirectories: true)
        try "x".write(toFile: shared.root + "/home/.ecryptfs/alice/.ecryptfs/wrapped-passphrase", atomically: false, encoding: .utf8)
        #expect(try HomeSecretsTests.inspect(shared).encryptedHome == [.ecryptfs])

        let (homed, _) = try HomeSecretsTests.home([".local/share/keyrings/login.keyring": "k"])
        try FileManager.default.createDirectory(atPath: homed.root + "/run/userdb", withIntermediateDirectories: true)
        try #"{"userName":"alice","service":"io.systemd.Home"}"#.write(toFile: homed.root + "/run/userdb/alice.user",
                                                                       atomically: false, encoding: .utf8)
        let found = try HomeSecretsTests.inspect(homed)
        #expect(found.homed && found.keyrings.isEmpty, "for a homed account nothing else matters")

        let (other, _) = try HomeSecretsTests.home()
        try FileManager.default.createDirectory(atPath: other.root + "/run/userdb", withIntermediateDirectories: true)
        try #"{"userName":"alice","service":"io.example.Other"}"#.write(toFile: other.root + "/run/userdb/alice.user",
                                                                        atomically: false, encoding: .utf8)
        #expect(try HomeSecretsTests.inspect(other).homed == false)
    }

    /// Protobuf as fscrypt writes ProtectorData: field 1 descriptor, 2 source, 3 name, 5 salt, 6 uid, 7 wrapped key.
    static func protector(source: UInt8, uid: UInt64?) -> [UInt8] {
        var bytes: [UInt8] = [0x0a, 4] + Array("abcd".utf8) + [0x10, source] + [0x2a, 3, 1, 2, 3]
        if var value = uid {
            bytes.append(0x30)
            while value >= 0x80 { bytes.append(UInt8(value & 0x7f) | 0x80); value >>= 7 }
            bytes.append(UInt8(value))
        }
        return bytes + [0x3a, 2, 0x0a, 0]
    }

    @Test func fscryptProtectorsAreRead() throws {
        let login = FscryptProtector.parse(HomeSecretsTests.protector(source: 1, uid: 1001))
        #expect(login?.source == 1 && login?.uid == 1001 && login?.isLoginProtector(for: 1001) == true)
        #expect(FscryptProtector.parse(HomeSecretsTests.protector(source: 1, uid: 1002))?.isLoginProtector(for: 1001) == false)
        #expect(FscryptProtector.parse(HomeSecretsTests.protector(source: 2, uid: nil))?.isLoginProtector(for: 1001) == false)
        // Damaged: a varint that never ends, a length past the end, a group wire type. Nil, never a trap.
        #expect(FscryptProtector.parse([0x30] + [UInt8](repeating: 0xff, count: 12)) == nil)
        #expect(FscryptProtector.parse([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]) == nil)
        #expect(FscryptProtector.parse([0x0b]) == nil)

        let (box, _) = try HomeSecretsTests.home()
        let dir = box.root + "/.fscrypt/protectors"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/0001", contents: Data(HomeSecretsTests.protector(source: 2, uid: nil)))
        #expect(try HomeSecretsTests.inspect(box).encryptedHome.isEmpty)
        _ = FileManager.default.createFile(atPath: dir + "/0002", contents: Data(HomeSecretsTests.protector(source: 1, uid: 1001)))
        #expect(try HomeSecretsTests.inspect(box).encryptedHome == [.fscrypt])
    }

    @Test func aFullProtectorDirectoryIsReadOnlyUpToTheBound() throws {
        let (box, _) = try HomeSecretsTests.home()
        let dir = box.root + "/.fscrypt/protectors"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for n in 0..<(HomeInspector.entryLimit + 20) {
            _ = FileManager.default.createFile(atPath: dir + "/p\(n)", contents: Data(HomeSecretsTests.protector(source: 2, uid: nil)))
        }
        let found = try HomeSecretsTests.inspect(box)
        #expect(found.incomplete && found.encryptedHome.isEmpty)
    }

    @Test func policyKeys() {
        let defaults = PolicyLoader.parse("", source: "t").policy
        #expect(defaults.keyring == .move && defaults.encryptedHome == .refuse)
        let set = PolicyLoader.parse("keyring = keep\nencrypted_home = warn\n", source: "t")
        #expect(set.problems.isEmpty && set.policy.keyring == .keep && set.policy.encryptedHome == .warn)
        let bad = PolicyLoader.parse("keyring = delete\nencrypted_home = yes\n", source: "t")
        #expect(bad.problems.count == 2)
    }
}
