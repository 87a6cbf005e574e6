// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import FoundationEssentials
import Glibc
import SSPRCore
import SSPRDaemon
import SSPRSystem
import SSPRVarlink

/// How the user commands reach `io.sspr.Registration`: as root, the same service in this process (acting
/// with root's authority, directly on the store); as anyone else, ssprd over its socket. One set of rules
/// either way, because it is the same code answering.
protocol RegistrationTransport {
    func call(_ method: String, _ parameters: [String: JSONValue]) throws -> VarlinkReply
    /// The command is done with the service.
    func finish()
}

struct InProcessTransport: RegistrationTransport {
    let service: RegistrationService
    let session: ConnectionSession

    init(paths: SystemPaths, policy: Policy, createStore: Bool) {
        var configuration = DaemonConfiguration(paths: paths)
        configuration.createStore = createStore
        service = RegistrationService(configuration: configuration, policy: policy)
        session = ConnectionSession(peer: PeerIdentity(uid: 0, gid: 0, pid: getpid()), userName: "root")
    }

    func call(_ method: String, _ parameters: [String: JSONValue]) throws -> VarlinkReply {
        service.handle(VarlinkCall(method: VarlinkWire.interface + "." + method, parameters: parameters), session: session)
    }

    func finish() {
        service.deliverQueuedNotices()
        service.releaseEngine()
    }
}

/// A blocking varlink client on the daemon's unix socket.
final class SocketTransport: RegistrationTransport {
    private let fd: Int32
    private var framer = VarlinkFramer(limit: VarlinkWire.maximumSize * 16)

    init(path: String) throws {
        do {
            fd = try UnixSocketAddress.connectStream(path: path)
        } catch {
            throw CLIError.daemonUnreachable(translated("cannot reach ssprd at {path}: {error} (is ssprd.socket enabled?)",
                                                        ["path": path, "error": String(cString: strerror(error.code))]))
        }
    }

    deinit { close(fd) }

    func finish() {}

    func call(_ method: String, _ parameters: [String: JSONValue]) throws -> VarlinkReply {
        let message = VarlinkWire.encode(VarlinkCall(method: VarlinkWire.interface + "." + method, parameters: parameters))
        var offset = 0
        while offset < message.count {
            let n = message.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CLIError.daemonUnreachable(translated("ssprd closed the connection")) }
            offset += n
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CLIError.daemonUnreachable(translated("ssprd closed the connection")) }
            let messages: [[UInt8]]
            do { messages = try framer.push(chunk[0..<n]) } catch { throw CLIError.failed(translated("ssprd sent an oversized reply")) }
            if let first = messages.first {
                do { return try VarlinkWire.decodeReply(first) } catch { throw CLIError.failed(translated("ssprd sent a malformed reply")) }
            }
        }
    }
}

/// A registration session for one command: the transport, the account acted on, and the password proof the
/// daemon asks for (prompted once, only when needed). Admin commands use it too (`admin: true`, naming the
/// account in each call's parameters): as root they run in-process with root's authority, as a member of
/// sspr-admin through ssprd after the member's own password, under the same rules either way.
final class RegistrationClient {
    let transport: RegistrationTransport
    let user: String?
    let isRoot: Bool

    /// `createStore`: as root, whether a missing store is created (commands that register something) or is an
    /// error (commands that read or clear: a store missing at the policy's path is never "nobody registered").
    init(global: GlobalOptions, user: String?, admin: Bool = false, createStore: Bool = true) throws {
        self.user = user
        isRoot = ProcessIdentity.effectiveUID == 0
        if isRoot {
            // An admin command warns about policy problems and goes on with the valid keys (as before it went
            // through the service); a user's registration is refused until the policy is fixed.
            let (policy, problems) = global.loadPolicy(quiet: !admin)
            if !problems.isEmpty && !admin { throw CLIError.failed(translated("the policy has problems; run sspr admin check")) }
            transport = InProcessTransport(paths: global.paths, policy: policy, createStore: createStore)
            if user == nil && !admin { throw CLIError.usage(translated("as root, name the account with --user USER")) }
        } else {
            transport = try SocketTransport(path: global.socket ?? global.paths.socket)
        }
    }

    deinit { transport.finish() }

    /// Calls `method`; on NotAuthenticated asks for the caller's password once and retries.
    func call(_ method: String, _ parameters: [String: JSONValue] = [:]) throws -> [String: JSONValue] {
        let reply = try authenticatedReply(method, parameters)
        if let error = reply.error { throw RegistrationClient.cliError(error, reply.parameters ?? [:]) }
        return reply.parameters ?? [:]
    }

    private func authenticatedReply(_ method: String, _ parameters: [String: JSONValue]) throws -> VarlinkReply {
        var parameters = parameters
        if let user { parameters["user"] = .string(user) }
        var reply = try transport.call(method, parameters)
        if reply.error == RegistrationError.notAuthenticated.qualifiedName {
            try authenticate()
            reply = try transport.call(method, parameters)
        }
        // Changing one's methods once there are some: a proof of one of them first, then the same call again.
        if reply.error == RegistrationError.proofRequired.qualifiedName {
            try MethodProof(transport: transport, parameters: user.map { ["user": .string($0)] } ?? [:]).run(reply.parameters ?? [:])
            reply = try transport.call(method, parameters)
        }
        return reply
    }

    /// Checks that the caller may act on `user` before a command reads its input from stdin: a delegated
    /// admin's password is asked now, on the terminal or as stdin's first line, not after the proof or
    /// answers were read to the end. A name that is no account is left to the command's own call (a proof
    /// for it is counted like any other, so that accounts cannot be told from other names).
    func requireAccess(to user: String) throws {
        let reply = try authenticatedReply("GetStatus", ["user": .string(user)])
        guard let error = reply.error, error != RegistrationError.noSuchUser.qualifiedName else { return }
        throw RegistrationClient.cliError(error, reply.parameters ?? [:])
    }

    private func authenticate() throws {
        let password = try TerminalInput.secret(translated("Password for {user}: ", ["user": ProcessIdentity.realUserName]))
        let reply = try transport.call("Authenticate", ["password": .string(String(decoding: password.bytes, as: UTF8.self))])
        guard let error = reply.error else { return }
        if error == RegistrationError.rateLimited.qualifiedName {
            // Too many wrong passwords lately: the caller is not let in (exit 3), as with a wrong password.
            throw CLIError.notPermitted(reply.parameters?["reason"]?.string ?? translated("too many wrong passwords; try again later"))
        }
        throw RegistrationClient.cliError(error, reply.parameters ?? [:])
    }

    static func cliError(_ name: String, _ parameters: [String: JSONValue]) -> CLIError {
        let short = name.split(separator: ".").last.map(String.init) ?? name
        var error = message(for: short, parameters)
        error.daemonError = RegistrationError(rawValue: short)
        return error
    }

    private static func message(for short: String, _ parameters: [String: JSONValue]) -> CLIError {
        let reason = parameters["reason"]?.string
        switch RegistrationError(rawValue: short) {
        case .permissionDenied?: return .notPermitted(reason.map { translated("not permitted: {reason}", ["reason": $0]) } ?? translated("not permitted"))
        case .notAuthenticated?, .authenticationFailed?: return .notPermitted(translated("the password was not right"))
        case .lockedOut?:
            let until = parameters["until"]?.int.map { SystemClock.localTime(Int64($0)) } ?? translated("later")
            return .notPermitted(translated("locked out until {time} (too many wrong proofs)", ["time": until]))
        case .noSuchUser?: return .failed(translated("no such account"))
        case .notAllowedByPolicy?: return .failed(translated("the policy does not allow {method}", ["method": parameters["method"]?.string ?? translated("that method")]))
        case .invalidCode?: return .failed(translated("that code was not right"))
        case .notRegistered?: return .failed(translated("not registered"))
        case .notAvailable?: return .failed(translated("not available for this account; an administrator must look (sspr admin check)"))
        case .rateLimited?: return .failed(reason ?? translated("too many requests; wait a minute"))
        case .sendFailed?: return .failed(translated("the code could not be sent (mail_command / sms_command); ask your administrator"))
        case .storeUnavailable?: return .failed(translated("the store is unavailable (sspr admin check)"))
        case .invalidParameter?: return .failed(reason ?? translated("invalid request"))
        case .proofRequired?: return .notPermitted(translated("confirm one of your methods first"))
        case .noPendingSecret?, .internalError?, .methodNotFound?, nil: return .failed("ssprd: \(short)")
        }
    }
}

extension ProcessIdentity {
    static var realUserName: String { NameService.user(id: realUID)?.name ?? "uid \(realUID)" }
}
