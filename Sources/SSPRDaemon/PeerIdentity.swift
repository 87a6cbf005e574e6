// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Who is on the other end of a connection, as the kernel says (SO_PEERCRED at accept), never as the client says.
public struct PeerIdentity: Equatable, Sendable {
    public let uid: UInt32
    public let gid: UInt32
    public let pid: Int32

    public init(uid: UInt32, gid: UInt32, pid: Int32) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
    }

    public var isRoot: Bool { uid == 0 }
}
