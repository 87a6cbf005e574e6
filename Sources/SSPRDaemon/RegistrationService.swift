// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOConcurrencyHelpers
import NIOPosix
import SSPRCore
import SSPRSystem
import SSPRVarlink

/// `io.sspr.Registration`: one method per user action plus admin methods mirroring `sspr admin`. The engine
/// does the work; this type adds identity (the peer's uid, a password proof per connection) and nothing else.
///
/// Rules: a caller acts on themself; acting on another account (`user` parameter) needs root or membership
/// of `sspr-admin` plus a password proof. Everything but GetStatus and Authenticate needs the caller's
/// password proved on this connection within `authenticationLifetimeSeconds` (root needs none: the kernel
/// already vouches for uid 0).
public final class RegistrationService: @unchecked Sendable {
    public let configuration: DaemonConfiguration
    let clock: @Sendable () -> Int64
    private let loaded: NIOLockedValueBox<LoadedPolicy>
    private let engines = ThreadSpecificVariable<EngineBox>()
    /// Wakes the delivery thread after a call that may have queued a notice.
    let outboxWaker = OutboxWaker()

    /// Calls that change registrations and so may queue a notice.
    static let notifyingMethods: Set<String> = ["ConfirmTOTP", "SetQuestions", "GenerateRecoveryCodes", "RemoveMethod", "Confirm",
                                                "ConfirmContact", "AdminIssuePass", "AdminRemove", "AdminEnrollTOTP"]

    /// The policy and question catalogue in force; `generation` tells worker threads their engine is stale.
    struct LoadedPolicy {
        let policy: Policy
        let catalogue: QuestionCatalogue
        let generation: Int
    }

    final class EngineBox {
        let engine: RecoveryEngine
        let generation: Int
        init(_ e: RecoveryEngine, generation: Int) { engine = e; self.generation = generation }
    }

    public init(configuration: DaemonConfiguration, policy: Policy, clock: @escaping @Sendable () -> Int64 = { SystemClock.now() }) {
        self.configuration = configuration
        self.loaded = NIOLockedValueBox(LoadedPolicy(policy: policy, catalogue: QuestionCatalogue.load(path: configuration.paths.questions).catalogue,
                                                     generation: 0))
        self.clock = clock
    }

    /// The policy in force now (a reload replaces it for calls that start afterwards).
    public var policy: Policy { loaded.withLockedValue { $0.policy } }
    var catalogue: QuestionCatalogue { loaded.withLockedValue { $0.catalogue } }

    /// Re-reads the policy file and the question catalogue (SIGHUP). A policy with problems is refused and the
    /// one in force kept: a daemon guessing around a broken file could register methods the admin meant to
    /// forbid. Returns the problems; empty means the new policy is in force.
    public func reload() -> [PolicyProblem] {
        let result = PolicyLoader.load(path: configuration.policyPath)
        guard result.problems.isEmpty else { return result.problems }
        let catalogue = QuestionCatalogue.load(path: configuration.paths.questions).catalogue
        loaded.withLockedValue { $0 = LoadedPolicy(policy: result.policy, catalogue: catalogue, generation: $0.generation + 1) }
        return []
    }

    /// The engine of the calling worker thread (each thread keeps its own SQLite connection), reopened after a
    /// reload so every call sees one policy from start to end.
    func engine() throws(SSPRError) -> RecoveryEngine {
        let current = loaded.withLockedValue { $0 }
        if let box = engines.currentValue, box.generation == current.generation, box.engine.store.isConnected { return box.engine }
        let engine = try RecoveryEngine.open(paths: configuration.paths, policy: current.policy, create: configuration.createStore, clock: clock)
        engines.currentValue = EngineBox(engine, generation: current.generation)
        return engine
    }

    /// Closes the calling thread's store connection. The CLI, which answers in-process as root, calls it when a
    /// command ends, so SQLite checkpoints its write-ahead log into the store file as when the connection was
    /// its own (a process that just exits leaves the last writes in sspr.db-wal).
    public func releaseEngine() { engines.currentValue = nil }

    /// The CLI as root, when a command ends: it is the deliverer for the notices its own calls queued (an
    /// admin's shell can run the sender). A failure leaves them queued for ssprd or sspr-outbox.timer.
    public func deliverQueuedNotices() {
        guard let engine = engines.currentValue?.engine else { return }
        _ = try? engine.noticeDelivery.deliverDue()
    }

    /// The account name of a uid, as the store and shadow know it.
    public func userName(uid: UInt32) -> String? {
        AccountDirectory(paths: configuration.paths).account(uid: uid)?.name
    }

    /// Answers one call. Never throws: every failure is a varlink error reply.
    public func handle(_ call: VarlinkCall, session: ConnectionSession) -> VarlinkReply {
        do {
            let reply = VarlinkReply(parameters: try dispatch(call, session))
            let prefix = VarlinkWire.interface + "."
            if call.method.hasPrefix(prefix), RegistrationService.notifyingMethods.contains(String(call.method.dropFirst(prefix.count))) {
                outboxWaker.wake()
            }
            return reply
        } catch let failure as RegistrationFailure {
            return failure.error.reply(failure.parameters)
        } catch let error as SSPRError {
            // A fleet store that went away (restart, failover) leaves this thread's connection closed: the next
            // call opens a new one instead of failing for as long as the daemon runs.
            if error.isStoreProblem { releaseEngine() }
            return RegistrationService.reply(for: error)
        } catch {
            return RegistrationError.internalError.reply()
        }
    }

    static func reply(for error: SSPRError) -> VarlinkReply {
        switch error {
        case .invalidInput(let reason): return RegistrationError.invalidParameter.reply(["reason": .string(reason)])
        case .notPermitted(let reason): return RegistrationError.permissionDenied.reply(["reason": .string(reason)])
        // The directory holding the password (password_store = ldap) is a store too, to the user: passing.
        case .storeUnavailable, .storeUnreachable, .storeFailure, .directoryUnavailable: return RegistrationError.storeUnavailable.reply()
        case .lockedOut(let until): return RegistrationError.lockedOut.reply(["until": .number(Double(until))])
        // The reason (for logs) stays in the daemon; the caller learns only that an admin must look.
        case .notAvailable: return RegistrationError.notAvailable.reply()
        case .policyInvalid, .system, .hashing, .conversationFailed, .tooManyAttempts, .passwordFileBusy, .passwordUpdateFailed:
            return RegistrationError.internalError.reply()
        }
    }

    private func dispatch(_ call: VarlinkCall, _ session: ConnectionSession) throws -> [String: JSONValue] {
        let parameters = call.parameters ?? [:]
        if call.method == "org.varlink.service.GetInfo" {
            return ["vendor": "sspr", "product": "ssprd", "version": .string(SSPRVersion.current), "url": "https://github.com/sspr",
                    "interfaces": ["org.varlink.service", .string(VarlinkWire.interface)]]
        }
        let prefix = VarlinkWire.interface + "."
        guard call.method.hasPrefix(prefix) else {
            throw RegistrationFailure(.methodNotFound, ["method": .string(call.method)])
        }
        let method = String(call.method.dropFirst(prefix.count))
        let request = Request(service: self, session: session, parameters: parameters, engine: try engine())
        switch method {
        case "GetStatus": return try request.getStatus()
        case "Authenticate": return try request.authenticate()
        case "BeginTOTP": return try request.beginTOTP()
        case "ConfirmTOTP": return try request.confirmTOTP()
        case "GetQuestions": return try request.getQuestions()
        case "SetQuestions": return try request.setQuestions()
        case "GenerateRecoveryCodes": return try request.generateRecoveryCodes()
        case "RemoveMethod": return try request.removeMethod()
        case "Confirm": return try request.confirm()
        case "BeginContact": return try request.beginContact()
        case "ConfirmContact": return try request.confirmContact()
        case "BeginProof": return try request.beginProof()
        case "ProveMethod": return try request.proveMethod()
        case "AdminReport": return try request.adminReport()
        case "AdminAudit": return try request.adminAudit()
        case "AdminUnlock": return try request.adminUnlock()
        case "AdminIssuePass": return try request.adminIssuePass()
        case "AdminRemove": return try request.adminRemove()
        case "AdminEnrollTOTP": return try request.adminEnrollTOTP()
        case "AdminVerify": return try request.adminVerify()
        default: throw RegistrationFailure(.methodNotFound, ["method": .string(call.method)])
        }
    }
}
