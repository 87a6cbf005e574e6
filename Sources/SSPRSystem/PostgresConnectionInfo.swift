// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import CPostgres
import Glibc

/// A libpq connection URI taken apart by libpq itself (`PQconninfoParse`), with libpq's own defaults for what
/// it leaves out (`PQconndefaults`), so what is checked is exactly what libpq will use: hosts, TLS mode, and
/// the files that hold credentials.
public struct PostgresConnectionInfo: Sendable {
    /// Every keyword the URI sets, with its value.
    public let options: [String: String]
    /// What libpq will connect with: the URI's keywords, and for each one it does not set, libpq's default as
    /// this process gets it (PGHOST, PGHOSTADDR, PGSSLMODE, PGPASSFILE, ... from the environment, or from the
    /// service file PGSERVICE names). A root shell with PGHOST set must not take a URI that names no host over
    /// TCP without verify-full.
    public let effective: [String: String]

    /// Parses `uri`; the error is libpq's own message (it never repeats a password).
    public init(uri: String) throws(DatabaseError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(uri, &errorMessage) else {
            let message = errorMessage.map { PostgresDatabase.clean(String(cString: $0)) } ?? "cannot parse"
            if let errorMessage { PQfreemem(errorMessage) }
            throw DatabaseError(kind: .failed, message: message)
        }
        defer { PQconninfoFree(parsed) }
        let options = PostgresConnectionInfo.values(parsed)
        var effective = options
        if let defaults = PQconndefaults() {
            defer { PQconninfoFree(defaults) }
            for (key, value) in PostgresConnectionInfo.values(defaults) where effective[key] == nil { effective[key] = value }
        }
        self.options = options
        self.effective = effective
    }

    private static func values(_ array: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var values: [String: String] = [:]
        var option = array
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }

    /// The hosts in order (a multi-host URI lists several); a name starting with "/" or "@" is a unix socket
    /// directory (or an abstract socket). No host means libpq's default, the local socket.
    public var hosts: [String] {
        let listed = (effective["host"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let addresses = (effective["hostaddr"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let count = max(listed.count, addresses.count)
        return (0..<count).map { i in
            let name = i < listed.count ? listed[i] : ""
            let address = i < addresses.count ? addresses[i] : ""
            return address.isEmpty ? name : address
        }.filter { !$0.isEmpty }
    }

    /// Whether every host is a local socket, where the kernel (peer authentication, the socket directory's
    /// permissions) protects the connection and TLS adds nothing.
    public var isLocalSocketOnly: Bool { hosts.allSatisfy { $0.hasPrefix("/") || $0.hasPrefix("@") } }

    /// Keywords that would put a secret into the URI itself, and so into the world-readable policy file.
    public var inlineSecrets: [String] { ["password", "sslpassword"].filter { options[$0] != nil } }

    public var sslMode: String { effective["sslmode"] ?? "prefer" }

    /// The files that hold a credential: libpq reads them as the process's user (root), so they must be root's
    /// and unreadable by anyone else, like the SQLite store itself.
    public var credentialFiles: [(key: String, path: String)] {
        ["passfile", "sslkey"].compactMap { key in effective[key].map { (key, $0) } }
    }

    /// Files that are public but must not be replaceable by anyone but root: the CA that decides whom the
    /// store trusts, and the client certificate.
    public var trustFiles: [(key: String, path: String)] {
        ["sslrootcert", "sslcert", "sslcrl"].compactMap { key in effective[key].map { (key, $0) } }
            .filter { $0.path != "system" }
    }
}
