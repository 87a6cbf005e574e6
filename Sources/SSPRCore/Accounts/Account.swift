// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// A local account as the reset and registration flows need it: identity and group memberships.
public struct Account: Equatable, Sendable {
    public let name: String
    public let uid: UInt32
    public let gid: UInt32
    public let home: String
    /// Names of every group the account belongs to (primary and supplementary).
    public let groups: [String]

    public func isMember(ofAny names: [String]) -> Bool { groups.contains { names.contains($0) } }
}
