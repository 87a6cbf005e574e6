// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
import SSPRCore
import SSPRSystem

/// Figure 6's stores: one sandbox whose passwd lists the users the machines verify, and the same background
/// users in a SQLite file under it and, when a server is given, in a fresh PostgreSQL database of their own.
/// Each store's schema is created by the engine (`RecoveryEngine.open` with `create: true`), as `sspr admin
/// init` would, before the rows are written.
final class FleetStores {
    let sandbox: Sandbox
    let users: Int
    /// The engine clock's time at enrollment; the machines start later.
    let time: Int64
    /// What a machine's policy names as `store`: the default path (under the sandbox root), or the URI.
    let sqlite = Policy().store
    private(set) var postgres: String?
    /// The server the database was made on (to drop it at the end), and its version and settings for the notes.
    private var server: String?
    private(set) var serverDescription = ""
    private(set) var populateSeconds: [String: Double] = [:]

    init(repo: String, users: Int, machineUsers: Int, postgresServer: String?) {
        self.users = users
        let names = (1...machineUsers).map(BackgroundUsers.name)
        sandbox = Sandbox.make(repo: repo, label: "fleet", extraUsers: names, loginDefs: yescryptLoginDefs)
        let now = SystemClock.now()
        time = now - now % TOTPMethod.step
        let loaded = QuestionCatalogue.load(path: sandbox.paths.questions)
        if !loaded.problems.isEmpty { fail("question catalogue: \(loaded.problems)") }
        let background = BackgroundUsers(count: users, time: time, boundUsers: machineUsers, catalogue: loaded.catalogue)

        progress("fleet: populating \(users) users in SQLite")
        createSchema(sqlite)
        populateSeconds["SQLite"] = background.write(sqlite: sandbox.paths.path(sqlite))
        if let postgresServer {
            let uri = makeDatabase(on: postgresServer)
            server = postgresServer
            postgres = uri
            progress("fleet: populating \(users) users in PostgreSQL")
            createSchema(uri)
            populateSeconds["PostgreSQL"] = background.write(postgres: uri)
            serverDescription = describe(uri)
        }
    }

    /// Store sizes for the notes: the SQLite file after its checkpoint, the PostgreSQL database on disk.
    func sizes() -> String {
        var st = stat()
        var parts: [String] = []
        if stat(sandbox.paths.path(sqlite), &st) == 0 { parts.append(String(format: "SQLite %.1f MB", Double(st.st_size) / 1e6)) }
        if let postgres, let bytes = try? PostgresDatabase(uri: postgres, timeoutMilliseconds: 30_000)
            .query("SELECT pg_database_size(current_database())", []).first?.first?.integer {
            parts.append(String(format: "PostgreSQL %.1f MB", Double(bytes) / 1e6))
        }
        return parts.joined(separator: ", ")
    }

    func remove() {
        sandbox.remove()
        if let server, let postgres, let name = FleetStores.databaseName(postgres) {
            try? PostgresDatabase(uri: server, timeoutMilliseconds: 30_000).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    private func createSchema(_ location: String) {
        var policy = Policy()
        policy.store = location
        do { _ = try RecoveryEngine.open(paths: sandbox.paths, policy: policy, create: true) } catch {
            fail("cannot create the store \(location): \(error)")
        }
    }

    /// A fresh database on the server, named as the test sandboxes name theirs. The server URI is the one
    /// Tests/support/pg_cluster.py exports: the `postgres` database over the local socket, with a role that
    /// may create databases and a root-only passfile, which the store's own URI checks accept.
    private func makeDatabase(on server: String) -> String {
        guard server.contains("///postgres?") else {
            fail("--postgres: expected a URI of the form postgresql:///postgres?host=…, as Tests/support/pg_cluster.py exports")
        }
        let name = "sspr_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        do { try PostgresDatabase(uri: server, timeoutMilliseconds: 30_000).execute("CREATE DATABASE \(name)") } catch {
            fail("cannot create a database on \(server): \(error)")
        }
        return server.replacingOccurrences(of: "///postgres?", with: "///\(name)?")
    }

    private static func databaseName(_ uri: String) -> String? {
        uri.split(separator: "?").first?.split(separator: "/").last.map(String.init)
    }

    /// "PostgreSQL 15.x, fsync on, synchronous_commit on, shared_buffers 128MB": the settings that decide a
    /// commit's cost, as the server has them.
    private func describe(_ uri: String) -> String {
        guard let db = try? PostgresDatabase(uri: uri, timeoutMilliseconds: 30_000) else { return "" }
        let settings = ["fsync", "synchronous_commit", "shared_buffers"].map { name in
            "\(name) " + ((try? db.query("SHOW \(name)", []).first?.first?.text) ?? "?")
        }
        return (["PostgreSQL \(db.serverVersion)"] + settings).joined(separator: ", ")
    }
}
