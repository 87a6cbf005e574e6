// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
@testable import SSPRCore
import SSPRSystem
import Testing

/// The PostgreSQL store's own guarantees, against the real server `make test` starts (SSPR_TEST_POSTGRES):
/// what a store URI may not say, the bounded wait for a server that does not answer, the schema version, and
/// the statement translation. Every other store test runs on this engine too (the suite's second run).
@Suite(.enabled(if: Sandbox.usesPostgres, "needs SSPR_TEST_POSTGRES (make test starts a server)"))
struct PostgresStoreTests {
    private func openError(_ sandbox: Sandbox, _ uri: String, timeout: String = "3s") -> String? {
        let policy = sandbox.policy("store = \(uri)\nstore_timeout = \(timeout)\n")
        do { _ = try RecoveryEngine.open(paths: sandbox.paths, policy: policy, create: true); return nil } catch {
            return error.description
        }
    }

    private func option(_ uri: String, _ key: String) -> String? {
        uri.split(separator: "?").last?.split(separator: "&").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    @Test func aPasswordInTheURIIsRefusedBeforeConnecting() throws {
        let sandbox = try Sandbox()
        let uri = try #require(sandbox.storeURI) + "&password=fleet-store-secret-9"
        let message = try #require(openError(sandbox, uri))
        #expect(message.contains("must not hold a password") && message.contains("passfile"))
        #expect(!message.contains("fleet-store-secret-9"), "the secret is never repeated")
    }

    @Test func tcpWithoutVerifyFullIsRefused() throws {
        let sandbox = try Sandbox()
        for mode in ["disable", "prefer", "require", "verify-ca"] {
            let message = try #require(openError(sandbox, "postgresql://sspr@127.0.0.1:5/sspr?sslmode=\(mode)"))
            #expect(message.contains("sslmode=\(mode)") && message.contains("verify-full"), "\(message)")
        }
        // A URI that names no mode gets libpq's default, prefer: refused too.
        #expect(try #require(openError(sandbox, "postgresql://db.example.org/sspr")).contains("sslmode=prefer"))
    }

    @Test func aPassfileOthersCanReadIsRefused() throws {
        let sandbox = try Sandbox()
        let uri = try #require(sandbox.storeURI)
        let passfile = try #require(option(uri, "passfile"))
        let copy = sandbox.root + "/pgpass"
        try FileManager.default.copyItem(atPath: passfile, toPath: copy)
        chmod(copy, 0o644)
        let open = uri.replacingOccurrences(of: "passfile=\(passfile)", with: "passfile=\(copy)")
        #expect(try #require(openError(sandbox, open)).contains("passfile \(copy) has mode 0644"))
        chmod(copy, 0o600)
        chown(copy, 65534, 65534)
        #expect(try #require(openError(sandbox, open)).contains("owned by uid 65534"))
        chown(copy, 0, 0)
        #expect(openError(sandbox, open) == nil, "root's 0600 passfile is used")
    }

    @Test func aServerThatNeverAnswersCostsTheTimeoutNotALogin() throws {
        // A TCP listener that never accepts: the kernel completes the handshake, then nothing is ever said,
        // as with a frozen server. libpq's connect wait is whole seconds, at least 2.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 8)
        var bound = sockaddr_in(), length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = UInt16(bigEndian: bound.sin_port)
        let sandbox = try Sandbox()
        let ca = sandbox.root + "/ca.crt"
        try "not used: the server never gets that far\n".write(toFile: ca, atomically: false, encoding: .utf8)
        let started = Date()
        let message = try #require(openError(sandbox, "postgresql://sspr@127.0.0.1:\(port)/sspr?sslmode=verify-full&sslrootcert=\(ca)", timeout: "1s"))
        let elapsed = Date().timeIntervalSince(started)
        #expect(message.contains("not reachable"), "\(message)")
        #expect(elapsed >= 1.5 && elapsed < 5, "bounded by store_timeout (libpq: at least 2 s): \(elapsed)")
    }

    @Test func aStoreWithANewerSchemaIsRefused() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.engine()
        try sandbox.database().execute("INSERT INTO sspr_schema (version) VALUES (99)")
        #expect(notAvailableReason { try sandbox.engine() }?.contains("schema version 99") == true)
    }

    @Test func theSummaryNamesServerTLSAndSchema() throws {
        let sandbox = try Sandbox()
        let summary = try sandbox.engine().store.summary()
        #expect(summary.hasPrefix("PostgreSQL ") && summary.contains("local socket, served by postgres, no TLS") && summary.hasSuffix("schema version 6 of 6"), "\(summary)")
    }

    @Test func statementsAreTranslatedOutsideLiteralsOnly() {
        #expect(PostgresDialect.translate("SELECT user, 'user?' FROM t WHERE user = ? AND \"user\" = ? AND x.user > ?")
                == "SELECT \"user\", 'user?' FROM t WHERE \"user\" = $1 AND \"user\" = $2 AND x.\"user\" > $3")
        #expect(PostgresDialect.translate("SELECT 1 WHERE a = ?1 OR b = ?1 OR c = ?2") == "SELECT 1 WHERE a = $1 OR b = $1 OR c = $2")
        #expect(PostgresDialect.translate("UPDATE users SET user_id = ? WHERE username = 'it''s ?'") == "UPDATE users SET user_id = $1 WHERE username = 'it''s ?'")
    }
}
