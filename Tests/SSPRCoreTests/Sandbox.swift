// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem

/// A throwaway sandbox root with the fixture `etc/` (accounts in every state) and the default questions.
/// Tests never touch the host's files.
final class Sandbox: @unchecked Sendable {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    let root: String
    var paths: SystemPaths { SystemPaths(root: root) }
    var storePath: String { root + "/var/lib/sspr/sspr.db" }

    init(policy: String = "") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sspr-test-\(UUID().uuidString)")
        root = base.path
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/etc/security", withIntermediateDirectories: true)
        for name in ["passwd", "group", "shadow"] {
            try fm.copyItem(atPath: Sandbox.fixtures.appendingPathComponent("sandbox-etc/\(name)").path, toPath: root + "/etc/\(name)")
        }
        try fm.copyItem(atPath: Sandbox.repository.appendingPathComponent("config/sspr-questions.conf").path,
                        toPath: root + "/etc/security/sspr-questions.conf")
        try policy.write(toFile: root + "/etc/security/sspr.conf", atomically: false, encoding: .utf8)
        chmod(root + "/etc/security/sspr.conf", 0o644)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func policy(_ text: String = "") -> Policy {
        let result = PolicyLoader.parse(text, source: "test")
        return result.policy
    }

    /// An engine on this sandbox's store (created on first use) with an optional fixed clock.
    func engine(_ policyText: String = "", clock: (@Sendable () -> Int64)? = nil) throws -> RecoveryEngine {
        let policy = policy(policyText)
        if let clock { return try RecoveryEngine.open(paths: paths, policy: policy, create: true, clock: clock) }
        return try RecoveryEngine.open(paths: paths, policy: policy, create: true)
    }

    /// Registers three questions of the default catalogue for `user` (answers Rex, Ford, Smith).
    func enrolQuestions(_ engine: RecoveryEngine, _ user: String) throws {
        try engine.enrollQuestions(user: user, answers: [("first-pet", "Rex"), ("first-car", "Ford"), ("first-teacher", "Smith")].map {
            QuestionsMethod.Answer(questionID: $0.0, answer: secret($0.1))
        }, catalogue: QuestionCatalogue.load(path: paths.questions).catalogue, context: .commandLine)
    }

    func fileBytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ start: Int64 = 1_800_000_000) { value = start }
    var now: Int64 { lock.withLock { value } }
    func advance(_ seconds: Int64) { lock.withLock { value += seconds } }
    var closure: @Sendable () -> Int64 { { [self] in self.now } }
}

func secret(_ text: String) -> SecretBytes { SecretBytes(copying: text) }

/// The log reason of a `notAvailable` refusal, another error's description, or nil when `body` succeeded.
func notAvailableReason<T>(_ body: () throws -> T) -> String? {
    do { _ = try body(); return nil } catch let error as SSPRError {
        if case .notAvailable(let m) = error { return m }
        return "\(error)"
    } catch { return "\(error)" }
}

/// Runs `count` closures at once, each on its own thread, released together, and returns their results.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let lock = NSLock()
    nonisolated(unsafe) var results: [T] = []
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for i in 0..<count {
        group.enter()
        let thread = Thread {
            start.wait()
            let r = body(i)
            lock.withLock { results.append(r) }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    group.wait()
    return results
}
