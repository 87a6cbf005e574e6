// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// The reset socket's server side without systemd (`ssprd --reset-socket`): a listening unix socket whose
/// connections are each handed, as descriptor 3, to a fresh `sspr-reset --peer`, the way systemd's
/// `sspr-reset.socket` (Accept=yes) does. The helper reads the caller from SO_PEERCRED itself.
public final class HelperLauncher: @unchecked Sendable {
    public let socketPath: String
    public let helperPath: String
    public let helperArguments: [String]
    public let maximumHelpers: Int
    /// Resets one uid may have running at once (docs/security.md, "One user against every locker").
    public let maximumPerUser: Int
    private let listener: Int32
    /// Running helpers and the uid each serves.
    private var running: [pid_t: UInt32] = [:]
    /// When each uid was last told of in the log as over its limit: one line a minute, not one a connection.
    private var lastRefusalLogged: [UInt32: Int64] = [:]

    /// Binds `socketPath` (mode 0666, its directory 0755; a stale socket file is replaced) after checking the
    /// helper is a root-owned regular file nobody else may write, as pam_sspr.so checks it.
    public init(socketPath: String, helperPath: String, helperArguments: [String], maximumHelpers: Int = 64,
                maximumPerUser: Int = HelperLauncher.defaultPerUser) throws(SystemError) {
        guard let status = try FileSystem.status(helperPath), status.kind == .regular, status.owner == 0,
              status.mode & 0o022 == 0, status.mode & 0o100 != 0 else {
            throw SystemError(EPERM, "helper must be a root-owned executable without group/other write", path: helperPath)
        }
        self.socketPath = socketPath
        self.helperPath = helperPath
        self.helperArguments = helperArguments
        self.maximumHelpers = max(1, maximumHelpers)
        self.maximumPerUser = max(1, maximumPerUser)
        try FileSystem.makeDirectories(FileSystem.parentDirectory(of: socketPath), mode: 0o755)
        if let existing = try FileSystem.status(socketPath), existing.kind == .socket { try FileSystem.remove(socketPath) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError.fromErrno("socket", path: socketPath) }
        let bound = UnixSocketAddress.with(path: socketPath) { bind(fd, $0, $1) }
        guard bound == 0, chmod(socketPath, 0o666) == 0, listen(fd, 128) == 0 else {
            let error = SystemError.fromErrno("bind", path: socketPath)
            close(fd)
            throw error
        }
        listener = fd
    }

    /// Resets one uid may run at once, here and in the helper's own slots (`PeerSlots`) under systemd.
    public static let defaultPerUser = 4

    deinit { close(listener) }

    /// Accepts and launches until `shouldStop` says so (checked at least every `pollMilliseconds`). Blocking:
    /// run it on a thread of its own. Every connection is accepted at once, so the listen backlog never fills
    /// and nobody's connect waits on somebody else's: a caller whose uid already has `maximumPerUser` resets
    /// running, or any caller while `maximumHelpers` run, is closed unanswered (the module then stays out of the
    /// way: the ordinary login failure, no offer).
    public func serve(pollMilliseconds: Int32 = 250, shouldStop: () -> Bool) {
        while !shouldStop() {
            reap()
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, pollMilliseconds) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            if let uid = admit(connection) { launch(connection, uid: uid) }
            close(connection)
        }
        for pid in running.keys { kill(pid, SIGTERM) }
        while !running.isEmpty {
            reap()
            SystemClock.sleep(milliseconds: 10)
        }
        _ = unlink(socketPath)
    }

    /// The caller's uid when it may have a helper now; nil (after at most one log line a minute per uid) when not.
    private func admit(_ connection: Int32) -> UInt32? {
        guard let uid = try? StreamSocket(fd: connection).peerUID() else { return nil }
        let mine = running.values.reduce(0) { $0 + ($1 == uid ? 1 : 0) }
        let why: String
        if mine >= maximumPerUser {
            why = "uid \(uid) has \(mine) resets running (at most \(maximumPerUser) per user)"
        } else if running.count >= maximumHelpers {
            why = "\(running.count) resets running (at most \(maximumHelpers))"
        } else {
            return uid
        }
        let now = SystemClock.monotonicMilliseconds()
        if now - (lastRefusalLogged[uid] ?? Int64.min / 2) >= 60_000 {
            lastRefusalLogged[uid] = now
            Syslog.write(.warning, "reset socket: connection of uid \(uid) refused: \(why)")
        }
        return nil
    }

    private func launch(_ connection: Int32, uid: UInt32) {
        let argv: [String] = ["sspr-reset", "--peer"] + helperArguments
        let envp: [String] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"]
        var args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var env: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        var pid: pid_t = 0
        if sspr_spawn_with_socket(helperPath, &args, &env, connection, &pid) == 0 {
            running[pid] = uid
        } else {
            Syslog.write(.error, "reset socket: sspr-reset could not be started (\(helperPath))")
        }
    }

    /// Collects our own children only (never waitpid(-1): the mail senders are waited for by their runner).
    private func reap() {
        for pid in running.keys {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { running[pid] = nil }
        }
    }
}
