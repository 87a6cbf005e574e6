// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The LDAP directory a reset writes to under `password_store = ldap`, as the policy names it. The loader
/// checks each value's form and, when the directory is the password store, that the required ones are set
/// (`PolicyLoader.directoryProblems`); paths are as written (the sandbox root is applied by the user of them).
public struct DirectorySettings: Equatable, Sendable {
    /// `ldaps://host`, `ldap://host` (always with StartTLS) or `ldapi://` (a local socket, the only one without TLS).
    public var uri: String? = nil
    /// Where users are searched (subtree).
    public var base: String? = nil
    /// The search filter with exactly one `%s`, replaced by the user name escaped per RFC 4515.
    public var userFilter = "(uid=%s)"
    /// The dedicated reset account sspr binds as: never the rootdn, which slapo-ppolicy does not check.
    public var bindDN: String? = nil
    /// The reset account's password: a root-owned file no group or other may read or write.
    public var bindPasswordFile: String? = nil
    /// The CA certificate(s) the server's certificate must chain to; required with `ldap://`.
    public var caFile: String? = nil
    /// Seconds; bounds the connect and every operation.
    public var timeout: Int64 = 3
    /// Whether an entry with a `uidNumber` must carry the local account's uid (`ldap_match_uid_number`). The
    /// `uid` value must always be byte-identical to the local name: LDAP's matching rules would otherwise let
    /// `Alice` or `ａlice` find alice's entry (docs/security.md, "The right directory entry").
    public var matchUIDNumber = true

    public init() {}
}
