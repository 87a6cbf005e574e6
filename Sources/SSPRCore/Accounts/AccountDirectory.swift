// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Looks up accounts and group memberships: through NSS normally, from the sandbox root's `etc/passwd` and
/// `etc/group` under a root (SPEC section 1).
public struct AccountDirectory: Sendable {
    public let paths: SystemPaths

    public init(paths: SystemPaths) { self.paths = paths }

    public func account(named name: String) -> Account? {
        guard isPlausibleUserName(name) else { return nil }
        if paths.isSandboxed { return sandboxAccount(named: name) }
        guard let entry = NameService.user(named: name) else { return nil }
        var groups: [String] = []
        for gid in NameService.groupIDs(of: entry.name, primary: entry.gid) {
            if let g = NameService.groupName(id: gid) { groups.append(g) }
        }
        return Account(name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home, groups: groups)
    }

    public func account(uid: UInt32) -> Account? {
        if paths.isSandboxed {
            guard let line = colonLines(paths.passwd).first(where: { $0.count >= 7 && UInt32($0[2]) == uid }) else { return nil }
            return sandboxAccount(named: line[0])
        }
        guard let entry = NameService.user(id: uid) else { return nil }
        return account(named: entry.name)
    }

    /// Members of group `name` (listed members and accounts whose primary group it is).
    public func groupExists(_ name: String) -> Bool {
        if paths.isSandboxed { return colonLines(paths.group).contains { $0.count >= 3 && $0[0] == name } }
        return NameService.group(named: name) != nil
    }

    private func sandboxAccount(named name: String) -> Account? {
        guard let fields = colonLines(paths.passwd).first(where: { $0.count >= 7 && $0[0] == name }),
              let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { return nil }
        var groups: [String] = []
        for g in colonLines(paths.group) where g.count >= 3 {
            let members = g.count >= 4 ? g[3].split(separator: ",").map(String.init) : []
            if UInt32(g[2]) == gid || members.contains(name) { groups.append(g[0]) }
        }
        return Account(name: name, uid: uid, gid: gid, home: fields[5], groups: groups)
    }

    func colonLines(_ path: String) -> [[String]] {
        guard let text = try? FileSystem.readText(path, limit: 16 << 20) else { return [] }
        return text.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }
}

/// A name that could be an account: no '/', ':', control characters or spaces, not "." or "..", 1-256 bytes.
/// Anything else is treated as an unknown account without touching NSS or the store's keys.
public func isPlausibleUserName(_ name: String) -> Bool {
    guard (1...256).contains(name.utf8.count), name != ".", name != "..", name.first != "-" else { return false }
    return name.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7f && $0 != 0x3a && $0 != 0x2f && $0 != 0x2c }
}
