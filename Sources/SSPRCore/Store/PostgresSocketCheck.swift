// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Who may serve a PostgreSQL store on a unix socket. The kernel protects a socket only as well as its directory:
/// in a directory anyone may write (`/tmp`, upstream PostgreSQL's default) or under an abstract name, a user
/// who starts a server of their own while the real one is down serves a store of their making, and with it
/// recovery codes that reset any account. So a socket host is accepted only in a directory owned by root or by
/// the server's OS user and writable by nobody else, and the connection pins that user (libpq `requirepeer`):
/// the server process must run as it, whatever the directory says.
public struct PostgresSocketCheck: Sendable {
    /// The server's OS user: the URI's `requirepeer=`, else `postgres` (Debian's server user).
    public let serverUser: String
    public static let defaultServerUser = "postgres"
    let info: PostgresConnectionInfo

    public init(info: PostgresConnectionInfo) {
        self.info = info
        let named = info.effective["requirepeer"] ?? ""
        serverUser = named.isEmpty ? PostgresSocketCheck.defaultServerUser : named
    }

    /// Checks every socket host of `info`: abstract names are refused; a socket directory must be a real
    /// directory owned by root or the server user, not writable by others, and group-writable only for root's
    /// or the server user's group; a socket already there must belong to one of them too.
    public func check() throws(SSPRError) {
        let server = NameService.user(named: serverUser)
        let owners = Set<UInt32>([0] + (server.map { [$0.uid] } ?? []))
        let groups = Set<UInt32>([0] + (server.map { [$0.gid] } ?? []))
        let ports = (info.effective["port"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (index, host) in info.hosts.enumerated() {
            if host.hasPrefix("@") {
                throw .storeUnavailable("store URI: host=\(host) is an abstract socket, which any user may bind; use the server's socket directory (owned by root or \(serverUser))")
            }
            guard host.hasPrefix("/") else { continue }
            let directory: FileStatus?
            do { directory = try FileSystem.status(host) } catch {
                throw .storeUnreachable("store socket directory \(host): \(error)")
            }
            guard let directory else { throw .storeUnreachable("store is not reachable: socket directory \(host) does not exist") }
            if let problem = problem(directory, owners: owners, groups: groups) {
                throw .storeUnavailable("store socket directory \(host) \(problem)")
            }
            let port = index < ports.count && !ports[index].isEmpty ? ports[index] : (ports.last.flatMap { $0.isEmpty ? nil : $0 } ?? "5432")
            let socketPath = host + (host.hasSuffix("/") ? "" : "/") + ".s.PGSQL.\(port)"
            if let socket = try? FileSystem.status(socketPath), !owners.contains(socket.owner) || socket.kind != .socket {
                throw .storeUnavailable("store socket \(socketPath) is not a socket of root or \(serverUser)")
            }
        }
    }

    /// Why a socket directory could let others serve the store, or nil.
    private func problem(_ status: FileStatus, owners: Set<UInt32>, groups: Set<UInt32>) -> String? {
        if status.kind != .directory { return "is not a directory (a symbolic link is not followed)" }
        if !owners.contains(status.owner) { return "is not owned by root or \(serverUser)" }
        if status.mode & 0o002 != 0 { return "is writable by others (anyone could serve a store there)" }
        if status.mode & 0o020 != 0 && !groups.contains(status.group) {
            return "is writable by a group that is neither root's nor \(serverUser)'s"
        }
        return nil
    }
}
