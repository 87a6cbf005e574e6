// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// One entry of a search result: its DN and the values of the attributes asked for, by lowercased name (LDAP
/// attribute names are case-insensitive). Values that are not UTF-8 are left out: the state attributes sspr
/// reads are all text.
public struct LDAPEntry: Equatable, Sendable {
    public let dn: String
    public let attributes: [String: [String]]

    public init(dn: String, attributes: [String: [String]]) {
        self.dn = dn
        self.attributes = attributes
    }

    public func values(_ name: String) -> [String] { attributes[name.lowercased()] ?? [] }
}
