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
    private let listener: Int32
    private var running: [pid_t] = []

    /// Binds `socketPath` (mode 0666, its directory 0755; a stale socket file is replaced) after checking the
    /// helper is a root-owned regular file nobody else may write, as pam_sspr.so checks it.
    public init(socketPath: String, helperPath: String, helperArguments: [String], maximumHelpers: Int = 64) throws(SystemError) {
        guard let status = try FileSystem.status(helperPath), status.kind == .regular, status.owner == 0,
              status.mode & 0o022 == 0, status.mode & 0o100 != 0 else {
            throw SystemError(EPERM, "helper must be a root-owned executable without group/other write", path: helperPath)
        }
        self.socketPath = socketPath
        self.helperPath = helperPath
        self.helperArguments = helperArguments
        self.maximumHelpers = max(1, maximumHelpers)
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

    deinit { close(listener) }

    /// Accepts and launches until `shouldStop` says so (checked at least every `pollMilliseconds`). Blocking:
    /// run it on a thread of its own. At most `maximumHelpers` run at once; later callers wait in the backlog.
    public func serve(pollMilliseconds: Int32 = 250, shouldStop: () -> Bool) {
        while !shouldStop() {
            reap()
            guard running.count < maximumHelpers else {
                SystemClock.sleep(milliseconds: 20)
                continue
            }
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, pollMilliseconds) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            launch(connection)
            close(connection)
        }
        for pid in running { kill(pid, SIGTERM) }
        while !running.isEmpty {
            reap()
            SystemClock.sleep(milliseconds: 10)
        }
        _ = unlink(socketPath)
    }

    private func launch(_ connection: Int32) {
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
            running.append(pid)
        } else {
            Syslog.write(.error, "reset socket: sspr-reset could not be started (\(helperPath))")
        }
    }

    /// Collects our own children only (never waitpid(-1): the mail senders are waited for by their runner).
    private func reap() {
        running.removeAll { pid in
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == pid
        }
    }
}
