// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CLDAP

/// A failed LDAP call: which step, libldap's result code and text, and the server's diagnostic message. None of
/// them can hold a secret: the bind password and new passwords only ever travel in request bodies.
public struct LDAPError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Step: String, Sendable {
        case connect = "connect"
        case startTLS = "StartTLS"
        case bind = "bind"
        case search = "search"
        case passwordModify = "password modify"
        case modify = "modify"
        case option = "option"
    }

    public let step: Step
    public let code: Int32
    public let diagnostic: String

    public init(step: Step, code: Int32, diagnostic: String = "") {
        self.step = step
        self.code = code
        self.diagnostic = diagnostic
    }

    /// The server could not be reached or did not answer in time (as opposed to refusing).
    public var isUnreachable: Bool {
        code == LDAP_SERVER_DOWN || code == LDAP_TIMEOUT || code == LDAP_CONNECT_ERROR || code == LDAP_UNAVAILABLE
            || code == LDAP_BUSY
    }

    /// The server refused the bind's password (and nothing else went wrong).
    public var isInvalidCredentials: Bool { code == LDAP_INVALID_CREDENTIALS }

    public var description: String {
        // ldap_set_option says only -1; its result code text ("Can't contact LDAP server") would mislead.
        if step == .option { return "LDAP option \(diagnostic) could not be set (\(code))" }
        let text = String(cString: ldap_err2string(code))
        return "LDAP \(step.rawValue) failed: \(text) (\(code))" + (diagnostic.isEmpty ? "" : ": \(diagnostic)")
    }
}
