// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore

/// A throwaway root directory holding a copy of Tests/Fixtures/sandbox-etc as DIR/etc, plus the empty
/// directories the shadow code writes to. Removed when the object goes away. Tests never touch the host's /etc.
final class ShadowSandbox {
    let root: String
    let paths: SystemPaths

    static var fixtureDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/sandbox-etc").path
    }

    init() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("sspr-shadow-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        root = base
        paths = SystemPaths(root: base)
        try fm.copyItem(atPath: ShadowSandbox.fixtureDirectory, toPath: base + "/etc")
        try fm.createDirectory(atPath: base + "/etc/security", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: base + "/var/run/faillock", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var etc: String { root + "/etc" }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    func text(_ path: String) throws -> String { String(decoding: try bytes(path), as: UTF8.self) }
    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
    func names(in directory: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory))
    }
    func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
    func status(_ path: String) -> (uid: UInt32, gid: UInt32, mode: UInt32)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (st.st_uid, st.st_gid, UInt32(st.st_mode & 0o7777))
    }
}

/// The fixture's lines, written out independently of the code under test.
enum FixtureLines {
    static let yescrypt = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7"
    static let alice = "alice:\(yescrypt):19500:0:99999:7:::\n"
    static let ivan = "ivan:\(yescrypt):19500:0:99999:7::::extra:fields\n"
    static let judy = "judy:\(yescrypt):19500:0:99999:7:::"
    static let carolHash = "!$y$j9T$abcdefghijklmnopqrstu.$JvQ1Hq3oD0uQG5cI5m1p2b3c4d5e6f7g8h9i0jklmnO"
}
