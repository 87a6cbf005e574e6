// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc

/// Figure 6's machines run at once: each a `FleetMachine` process, started together once all have connected
/// and warmed up, so the measured window holds only verifications (no process start, no connection set-up).
struct MachineGroup {
    /// Every measured verification of every machine.
    var latencies = Samples()
    /// Verifications per second of the group: all accepted verifications over the window from the first
    /// machine's start to the last machine's end.
    var perSecond = 0.0
    /// Verifications that gave up on a busy store (their time is in `latencies` all the same).
    var gaveUp = 0

    /// The benchmark's own executable, re-run as each machine.
    static let executable: String = {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { fail("cannot read /proc/self/exe") }
        return path
    }()

    init(_ machines: [FleetMachine]) {
        let running = machines.map { Running(spawning: [MachineGroup.executable] + $0.arguments) }
        for machine in running { guard machine.readLine() == "ready" else { fail("a machine failed before it was ready") } }
        for machine in running { machine.send("go\n") }
        var first = UInt64.max, last = UInt64.min
        for machine in running {
            let output = machine.finish().split(separator: "\n")
            let window = output.first?.split(separator: " ").compactMap { UInt64($0) } ?? []
            guard output.count == 2, window.count == 3 else { fail("a machine reported no figures") }
            first = min(first, window[0])
            last = max(last, window[1])
            gaveUp += Int(window[2])
            for value in output[1].split(separator: " ") { latencies.add(Double(value) ?? .nan) }
        }
        perSecond = Double(latencies.count - gaveUp) / (Double(last - first) / 1e9)
    }

    /// One machine process with a pipe to its stdin and one from its stdout (stderr is the benchmark's).
    private final class Running {
        let pid: pid_t
        let input: Int32
        let output: Int32

        init(spawning argv: [String]) {
            var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
            guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { fail("pipe failed") }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
            for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
            let cArgs = argv.map { strdup($0) } + [nil]
            defer { for p in cArgs { free(p) }; posix_spawn_file_actions_destroy(&actions) }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
            close(toChild[0])
            close(fromChild[1])
            guard rc == 0 else { fail("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
            self.pid = pid
            input = toChild[1]
            output = fromChild[0]
        }

        /// One line from the machine, without its newline; nil at end of file.
        func readLine() -> String? {
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let n = read(output, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
                if byte == 0x0a { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            guard write(input, bytes, bytes.count) == bytes.count else { fail("cannot signal a machine") }
        }

        /// Everything the machine writes until it exits; a machine that failed fails the benchmark.
        func finish() -> String {
            close(input)
            var all: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(output, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                all += buffer[0..<n]
            }
            close(output)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            if status != 0 { fail("a machine exited with status \(status)") }
            return String(decoding: all, as: UTF8.self)
        }
    }
}
