// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// A passwd entry as sspr needs it.
public struct PasswdEntry: Equatable, Sendable {
    public let name: String
    public let uid: UInt32
    public let gid: UInt32
    public let gecos: String
    public let home: String
    public let shell: String
    public init(name: String, uid: UInt32, gid: UInt32, gecos: String, home: String, shell: String) {
        self.name = name; self.uid = uid; self.gid = gid; self.gecos = gecos; self.home = home; self.shell = shell
    }
}

/// A group entry: its id and its listed members.
public struct GroupEntry: Equatable, Sendable {
    public let name: String
    public let gid: UInt32
    public let members: [String]
    public init(name: String, gid: UInt32, members: [String]) { self.name = name; self.gid = gid; self.members = members }
}

/// Accounts and groups through NSS (getpwnam_r, getgrnam_r, getgrouplist): what the system, LDAP or sssd say.
public enum NameService {
    public static func user(named name: String) -> PasswdEntry? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return ERANGE }
            return getpwnam_r(name, &entry, base, buf.count, &result)
        }
        guard rc == 0, result != nil else { return nil }
        // The entry's strings point into `buffer`: it must outlive their conversion.
        return withExtendedLifetime(buffer) { passwdEntry(entry) }
    }

    public static func user(id uid: UInt32) -> PasswdEntry? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return ERANGE }
            return getpwuid_r(uid, &entry, base, buf.count, &result)
        }
        guard rc == 0, result != nil else { return nil }
        // The entry's strings point into `buffer`: it must outlive their conversion.
        return withExtendedLifetime(buffer) { passwdEntry(entry) }
    }

    /// The Swift value of a filled-in `struct passwd` (one lookup, whichever key found it).
    static func passwdEntry(_ entry: passwd) -> PasswdEntry? {
        guard let pwName = entry.pw_name else { return nil }
        return PasswdEntry(name: String(cString: pwName), uid: entry.pw_uid, gid: entry.pw_gid,
                           gecos: entry.pw_gecos.map { String(cString: $0) } ?? "",
                           home: entry.pw_dir.map { String(cString: $0) } ?? "",
                           shell: entry.pw_shell.map { String(cString: $0) } ?? "")
    }

    public static func group(named name: String) -> GroupEntry? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return ERANGE }
            return getgrnam_r(name, &entry, base, buf.count, &result)
        }
        guard rc == 0, result != nil else { return nil }
        return withExtendedLifetime(buffer) { () -> GroupEntry? in
            var members: [String] = []
            if var cursor = entry.gr_mem {
                while let member = cursor.pointee {
                    members.append(String(cString: member))
                    cursor += 1
                }
            }
            guard let grName = entry.gr_name else { return nil }
            return GroupEntry(name: String(cString: grName), gid: entry.gr_gid, members: members)
        }
    }

    /// Every group id `user` belongs to (primary and supplementary), as NSS reports it.
    public static func groupIDs(of user: String, primary: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while count <= 65536 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var n = count
            let rc = groups.withUnsafeMutableBufferPointer { getgrouplist(user, primary, $0.baseAddress, &n) }
            if rc >= 0 { return Array(groups.prefix(Int(n))) }
            count = max(n, count * 2)
        }
        return [primary]
    }
}

/// The caller's real identity.
public enum ProcessIdentity {
    public static var effectiveUID: UInt32 { geteuid() }
    public static var realUID: UInt32 { getuid() }
}

extension NameService {
    public static func groupName(id gid: UInt32) -> String? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        let rc = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return ERANGE }
            return getgrgid_r(gid, &entry, base, buf.count, &result)
        }
        guard rc == 0, result != nil else { return nil }
        return withExtendedLifetime(buffer) { entry.gr_name.map { String(cString: $0) } }
    }
}
