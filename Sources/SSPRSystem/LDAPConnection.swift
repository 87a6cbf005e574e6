// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CLDAP
import Glibc

/// One connection to an LDAP server, owned by this object and unbound in `deinit`.
///
/// Guarantees: the connection is encrypted and the server's certificate checked, except over `ldapi://` (a
/// local socket): `ldaps://` is TLS from the first byte, `ldap://` always does StartTLS before anything else
/// and a failed StartTLS is an error, never a fallback to clear text. The certificate is required
/// (`LDAP_OPT_X_TLS_REQUIRE_CERT` = demand, which also checks the host name) against `caFile` when given. The
/// TLS options are set on this handle and take effect through a new TLS context (`LDAP_OPT_X_TLS_NEWCTX`), so
/// what ldap.conf or another handle says cannot weaken them. `timeoutSeconds` bounds the connect
/// (`LDAP_OPT_NETWORK_TIMEOUT`) and every operation (`LDAP_OPT_TIMEOUT`, and the explicit waits below).
/// Referrals are not chased: a password goes to the server named in the policy, nowhere else.
public final class LDAPConnection {
    /// How the connection is protected, for `sspr admin check`.
    public enum Security: String, Sendable {
        case ldaps = "TLS (ldaps)"
        case startTLS = "TLS (StartTLS)"
        case localSocket = "no TLS (ldapi, local socket)"
    }

    private let handle: OpaquePointer
    public let security: Security
    private let timeoutSeconds: Int32

    public init(uri: String, caFile: String?, timeoutSeconds: Int) throws(LDAPError) {
        guard let security = LDAPConnection.security(of: uri) else {
            throw LDAPError(step: .connect, code: LDAP_PARAM_ERROR, diagnostic: "the URI must be ldaps://, ldap:// or ldapi://")
        }
        self.security = security
        // One URI only: libldap would try a list in turn, and the policy names one server.
        guard !uri.contains(" "), !uri.contains(",") else {
            throw LDAPError(step: .connect, code: LDAP_PARAM_ERROR, diagnostic: "one URI only")
        }
        var ld: OpaquePointer?
        let rc = ldap_initialize(&ld, uri)
        guard rc == LDAP_SUCCESS, let ld else { throw LDAPError(step: .connect, code: rc) }
        handle = ld
        self.timeoutSeconds = Int32(clamping: timeoutSeconds)
        try configure(caFile: caFile)
        try connect()
    }

    deinit { ldap_unbind_ext_s(handle, nil, nil) }

    /// How a connection to `uri` is protected, by its scheme; nil for a scheme sspr does not use.
    public static func security(of uri: String) -> Security? {
        switch uri.prefix(while: { $0 != ":" }).lowercased() {
        case "ldaps": return .ldaps
        case "ldap": return .startTLS
        case "ldapi": return .localSocket
        default: return nil
        }
    }

    private func configure(caFile: String?) throws(LDAPError) {
        var version = LDAP_VERSION3
        try set(LDAP_OPT_PROTOCOL_VERSION, &version, "protocol version")
        // LDAP_OPT_OFF is a null pointer.
        guard ldap_set_option(handle, LDAP_OPT_REFERRALS, nil) == LDAP_OPT_SUCCESS else {
            throw LDAPError(step: .option, code: LDAP_OTHER, diagnostic: "referrals")
        }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: 0)
        try set(LDAP_OPT_NETWORK_TIMEOUT, &timeout, "network timeout")
        try set(LDAP_OPT_TIMEOUT, &timeout, "timeout")
        guard security != .localSocket else { return }
        if let caFile {
            let rc = caFile.withCString { ldap_set_option(handle, LDAP_OPT_X_TLS_CACERTFILE, $0) }
            guard rc == LDAP_OPT_SUCCESS else { throw LDAPError(step: .option, code: rc, diagnostic: "CA file") }
        }
        var demand = sspr_ldap_tls_demand
        try set(LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "TLS certificate required")
        // Last: the new context is built from the options above (0: a client context).
        var client: Int32 = 0
        try set(LDAP_OPT_X_TLS_NEWCTX, &client, "new TLS context (is the CA file readable?)")
    }

    private func set<T>(_ option: Int32, _ value: inout T, _ name: String) throws(LDAPError) {
        let rc = withUnsafePointer(to: &value) { ldap_set_option(handle, option, $0) }
        guard rc == LDAP_OPT_SUCCESS else { throw LDAPError(step: .option, code: rc, diagnostic: name) }
    }

    /// Connects now, so an unreachable server or a bad certificate shows here and not at the first operation.
    private func connect() throws(LDAPError) {
        if security == .startTLS {
            let rc = ldap_start_tls_s(handle, nil, nil)
            guard rc == LDAP_SUCCESS else { throw LDAPError(step: .startTLS, code: rc, diagnostic: diagnostic()) }
            return
        }
        let rc = ldap_connect(handle)
        guard rc == LDAP_SUCCESS else { throw LDAPError(step: .connect, code: rc, diagnostic: diagnostic()) }
    }

    /// A simple bind as `dn`. The password is passed as a counted buffer; the NUL-terminated copy
    /// `SecretBytes.withCString` makes is zeroed after the call.
    public func bind(dn: String, password: SecretBytes) throws(LDAPError) {
        let rc = password.withCString { sspr_ldap_simple_bind(handle, dn, $0, password.count) }
        guard rc == LDAP_SUCCESS else { throw LDAPError(step: .bind, code: rc, diagnostic: diagnostic()) }
    }

    /// A subtree search under `base` returning at most `limit` entries with the named attributes (operational
    /// ones included when named). `truncated` is true when more entries matched than `limit`.
    public func search(base: String, filter: String, attributes: [String],
                       limit: Int32) throws(LDAPError) -> (entries: [LDAPEntry], truncated: Bool) {
        var names: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) }
        names.append(nil)
        defer { for name in names { free(name) } }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: 0)
        var result: OpaquePointer?
        let rc = names.withUnsafeMutableBufferPointer { list in
            ldap_search_ext_s(handle, base, sspr_ldap_scope_subtree, filter, list.baseAddress, 0, nil, nil, &timeout,
                              limit, &result)
        }
        defer { if let result { ldap_msgfree(result) } }
        guard rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED else {
            throw LDAPError(step: .search, code: rc, diagnostic: diagnostic())
        }
        var entries: [LDAPEntry] = []
        var next = result.flatMap { ldap_first_entry(handle, $0) }
        while let entry = next {
            entries.append(LDAPEntry(dn: dn(of: entry), attributes: values(of: entry, attributes)))
            next = ldap_next_entry(handle, entry)
        }
        return (entries, rc == LDAP_SIZELIMIT_EXCEEDED)
    }

    private func dn(of entry: OpaquePointer) -> String {
        guard let raw = ldap_get_dn(handle, entry) else { return "" }
        defer { ldap_memfree(raw) }
        return String(cString: raw)
    }

    private func values(of entry: OpaquePointer, _ names: [String]) -> [String: [String]] {
        var found: [String: [String]] = [:]
        for name in names {
            guard let list = ldap_get_values_len(handle, entry, name) else { continue }
            defer { ldap_value_free_len(list) }
            var texts: [String] = []
            var i = 0
            while let value = list[i] {
                let bytes = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
                if let text = String(validating: bytes, as: UTF8.self) { texts.append(text) }
                i += 1
            }
            found[name.lowercased()] = texts
        }
        return found
    }

    /// The Password Modify extended operation (RFC 3062) setting `newPassword` on the entry `dn`, with the
    /// password policy request control, so that a refusal by slapo-ppolicy says why.
    public func modifyPassword(dn: String, newPassword: SecretBytes) -> LDAPPasswordModifyResult {
        var policyError = sspr_ldap_pp_no_error
        let rc = newPassword.withCString { sspr_ldap_password_modify(handle, dn, $0, newPassword.count, timeoutSeconds, &policyError) }
        let error = policyError == sspr_ldap_pp_no_error ? nil : LDAPPasswordPolicyError(rawValue: policyError)
        return LDAPPasswordModifyResult(code: rc, policyError: error, diagnostic: rc == LDAP_SUCCESS ? "" : diagnostic())
    }

    /// Deletes every value of the attribute `name` of the entry `dn` (an LDAP modify).
    public func removeAttribute(dn: String, name: String) throws(LDAPError) {
        var modification = LDAPMod()
        modification.mod_op = LDAP_MOD_DELETE
        let type = strdup(name)
        defer { free(type) }
        modification.mod_type = type
        modification.mod_vals.modv_strvals = nil
        let rc = withUnsafeMutablePointer(to: &modification) { pointer in
            var list: [UnsafeMutablePointer<LDAPMod>?] = [pointer, nil]
            return list.withUnsafeMutableBufferPointer { ldap_modify_ext_s(handle, dn, $0.baseAddress, nil, nil) }
        }
        guard rc == LDAP_SUCCESS else { throw LDAPError(step: .modify, code: rc, diagnostic: diagnostic()) }
    }

    /// The server's (or libldap's) message for the last failed operation.
    private func diagnostic() -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard ldap_get_option(handle, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message) == LDAP_OPT_SUCCESS, let message else { return "" }
        defer { ldap_memfree(message) }
        return String(cString: message)
    }
}
