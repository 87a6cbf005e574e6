// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Runs a helper program (the mail or SMS sender) with a message on its stdin, bounded in time.
///
/// Safe inside a host process: posix_spawn (no code of ours in the child), a clean environment, stdin through
/// a socketpair written with MSG_NOSIGNAL (a sender that exits early can never raise SIGPIPE in login), and
/// at the deadline the sender's whole process group is killed and reaped.
public enum CommandRunner {
    public enum Outcome: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case couldNotStart(Int32)

        public var succeeded: Bool { self == .exited(0) }
    }

    /// Nothing of the caller's: senders read no caller's configuration (msmtp reads $HOME/.msmtprc).
    public static let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "HOME=/root"]

    public static func run(_ argv: [String], stdin message: [UInt8], timeoutMilliseconds: Int) -> Outcome {
        guard let program = argv.first, program.hasPrefix("/") else { return .couldNotStart(ENOENT) }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            return .couldNotStart(errno)
        }
        let ours = fds[0], theirs = fds[1]
        defer { close(ours) }
        var pid: Int32 = 0
        var args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        let rc = sspr_spawn(program, &args, &env, theirs, &pid)
        close(theirs)
        guard rc == 0 else { return .couldNotStart(rc) }
        let deadline = SystemClock.monotonicMilliseconds() + Int64(max(0, timeoutMilliseconds))
        _ = fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK)
        var offset = 0
        while offset < message.count && SystemClock.monotonicMilliseconds() < deadline {
            let n = message.withUnsafeBytes { send(ours, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { SystemClock.sleep(milliseconds: 5); continue }
            break  // the sender closed its stdin or died: its exit status says what happened
        }
        shutdown(ours, Int32(SHUT_WR))
        while true {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid {
                if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
                return .signalled(status & 0x7f)
            }
            if done < 0 && errno != EINTR { return .exited(-1) }
            if SystemClock.monotonicMilliseconds() >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            SystemClock.sleep(milliseconds: 10)
        }
    }
}
