// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
import SSPRCore

/// A sandbox root under /tmp: Tests/Fixtures/sandbox-etc as `etc/`, the question catalogue, a login.defs.
/// Nothing outside it is ever written.
struct Sandbox {
    let root: String
    var paths: SystemPaths { SystemPaths(root: root) }
    var etc: String { root + "/etc" }

    /// `extraUsers` get passwd/group/shadow lines (uid from 20001), so the engine's account checks pass.
    static func make(repo: String, label: String, extraUsers: [String] = [], loginDefs: String) -> Sandbox {
        var template = Array("/tmp/sspr-bench-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fail("mkdtemp failed") }
        let root = String(cString: made)
        chmod(root, 0o755)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root + "/etc/security", withIntermediateDirectories: true)
            for name in ["passwd", "group", "shadow"] {
                try fm.copyItem(atPath: repo + "/Tests/Fixtures/sandbox-etc/" + name, toPath: root + "/etc/" + name)
            }
            try fm.copyItem(atPath: repo + "/config/sspr-questions.conf", toPath: root + "/etc/security/sspr-questions.conf")
            try loginDefs.write(toFile: root + "/etc/login.defs", atomically: false, encoding: .utf8)
        } catch {
            fail("cannot set up sandbox \(root): \(error)")
        }
        chmod(root + "/etc/shadow", 0o640)
        let box = Sandbox(root: root)
        if !extraUsers.isEmpty {
            var passwd = "", group = "", shadow = ""
            for (i, user) in extraUsers.enumerated() {
                let id = 20001 + i
                passwd += "\(user):x:\(id):\(id):Bench user:/home/\(user):/bin/bash\n"
                group += "\(user):x:\(id):\n"
                shadow += "\(user):\(placeholderHash):19500:0:99999:7:::\n"
            }
            box.append(passwd, to: "passwd")
            box.append(group, to: "group")
            box.append(shadow, to: "shadow")
        }
        return box
    }

    /// Appends after the fixture, whose last line has no final newline.
    func append(_ text: String, to name: String) {
        let path = etc + "/" + name
        guard let handle = FileHandle(forWritingAtPath: path) else { fail("cannot open \(path)") }
        handle.seekToEndOfFile()
        let existing = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        if let last = existing.last, last != 0x0a { handle.write(Data("\n".utf8)) }
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A yescrypt-shaped hash (not a real password): what an account line carries before a reset.
    static let placeholderHashText = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7"
}

let placeholderHash = Sandbox.placeholderHashText

/// login.defs as Debian 12+ ships it for hashing (YESCRYPT at libcrypt's default cost).
let yescryptLoginDefs = "# sspr-bench\nENCRYPT_METHOD YESCRYPT\n"
