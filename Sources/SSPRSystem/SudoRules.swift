// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// Whether sudo grants an account any rule, as `sudo -l -U NAME` lists them: a per-user sudoers line makes an
/// administrator as surely as membership of the sudo group does (docs/security.md, "Administrators over time").
/// sudo answers from its own policy (sudoers, LDAP, sssd), so nothing here parses sudoers. A sudo that is not
/// installed grants nothing; one that does not answer in time counts as granting (fail closed: the account gets
/// the administrators' two gates).
public enum SudoRules {
    public static let sudo = "/usr/bin/sudo"
    public static let timeoutMilliseconds = 5_000

    /// True when sudo lists at least one rule for `user`.
    public static func grantsAnything(to user: String) -> Bool {
        guard access(sudo, X_OK) == 0 else { return false }
        guard let output = run([sudo, "-n", "-l", "-U", user]) else { return true }
        // "User NAME may run the following commands on HOST:" precedes the rules; without rules sudo says "User
        // NAME is not allowed to run sudo on HOST." (LANG=C.UTF-8: the English words). An unknown user: neither.
        let marker = Array(" may run the following commands".utf8), bytes = Array(output.utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// The command's output (at most 64 KiB), or nil when it could not run or did not end in time.
    private static func run(_ argv: [String]) -> String? {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else { return nil }
        let ours = fds[0], theirs = fds[1]
        defer { close(ours) }
        var pid: Int32 = 0
        var args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var env: [UnsafeMutablePointer<CChar>?] = CommandRunner.environment.map { strdup($0) } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        let rc = sspr_spawn_capturing(argv[0], &args, &env, theirs, &pid)
        close(theirs)
        guard rc == 0 else { return nil }
        let deadline = SystemClock.monotonicMilliseconds() + Int64(timeoutMilliseconds)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while SystemClock.monotonicMilliseconds() < deadline {
            var p = pollfd(fd: ours, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 || errno == EINTR else { break }
            if p.revents == 0 { continue }
            let n = read(ours, &buffer, buffer.count)
            if n > 0 { if output.count < 65536 { output += buffer[0..<n] }; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        if SystemClock.monotonicMilliseconds() >= deadline { kill(pid, SIGKILL) }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard SystemClock.monotonicMilliseconds() < deadline else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
