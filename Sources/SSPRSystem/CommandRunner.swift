// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Runs a helper program (the mail or SMS sender with a message on its stdin; `sudo -l` for its output), bounded
/// in time.
///
/// Safe inside a host process: posix_spawn (no code of ours in the child), a clean environment, stdin or stdout
/// through a socketpair (written with MSG_NOSIGNAL: a sender that exits early can never raise SIGPIPE in login),
/// and at the deadline the program's whole process group is killed and reaped.
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
        let started = start(argv, timeoutMilliseconds: timeoutMilliseconds, spawn: sspr_spawn)
        guard case .running(let pid, let ours, let deadline) = started else { return started.failure }
        defer { close(ours) }
        _ = fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK)
        var offset = 0
        while offset < message.count && SystemClock.monotonicMilliseconds() < deadline {
            let n = message.withUnsafeBytes { send(ours, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { SystemClock.sleep(milliseconds: 5); continue }
            break  // the sender closed its stdin or died: its exit status says what happened
        }
        shutdown(ours, Int32(SHUT_WR))
        return reap(pid, deadline: deadline)
    }

    /// Runs `argv` with stdin from /dev/null and returns how it ended with what it wrote to stdout and stderr (at
    /// most `limit` bytes are kept; the rest is read and dropped, so the program never blocks on a full pipe).
    public static func output(_ argv: [String], timeoutMilliseconds: Int, limit: Int = 65_536) -> (Outcome, [UInt8]) {
        let started = start(argv, timeoutMilliseconds: timeoutMilliseconds, spawn: sspr_spawn_capturing)
        guard case .running(let pid, let ours, let deadline) = started else { return (started.failure, []) }
        defer { close(ours) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while SystemClock.monotonicMilliseconds() < deadline {
            var p = pollfd(fd: ours, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 || errno == EINTR else { break }
            if p.revents == 0 { continue }
            let n = read(ours, &buffer, buffer.count)
            if n > 0 { output += buffer[0..<min(n, max(0, limit - output.count))]; continue }
            if n < 0 && errno == EINTR { continue }
            break  // end of output: the program is done or about to be
        }
        return (reap(pid, deadline: deadline), output)
    }

    private enum Started {
        case running(pid: Int32, ours: Int32, deadline: Int64)
        case failed(Outcome)

        var failure: Outcome {
            if case .failed(let outcome) = self { return outcome }
            return .couldNotStart(EINVAL)
        }
    }

    /// Spawns `argv[0]` (an absolute path) with the runner's environment and the far end of a new socketpair
    /// (its stdin or its stdout, as `spawn` lays it out); our end and the deadline come back.
    private static func start(_ argv: [String], timeoutMilliseconds: Int,
                              spawn: (UnsafePointer<CChar>, UnsafePointer<UnsafeMutablePointer<CChar>?>,
                                      UnsafePointer<UnsafeMutablePointer<CChar>?>, Int32, UnsafeMutablePointer<Int32>) -> Int32) -> Started {
        guard let program = argv.first, program.hasPrefix("/") else { return .failed(.couldNotStart(ENOENT)) }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            return .failed(.couldNotStart(errno))
        }
        let ours = fds[0], theirs = fds[1]
        var pid: Int32 = 0
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        let rc = spawn(program, args, env, theirs, &pid)
        close(theirs)
        guard rc == 0 else {
            close(ours)
            return .failed(.couldNotStart(rc))
        }
        return .running(pid: pid, ours: ours, deadline: SystemClock.monotonicMilliseconds() + Int64(max(0, timeoutMilliseconds)))
    }

    /// Waits for `pid` until `deadline`; then kills its process group and reaps it.
    private static func reap(_ pid: Int32, deadline: Int64) -> Outcome {
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
