// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import Logging
import ServiceLifecycle
import SSPRCore
import SSPRDaemon
import SSPRSystem
import Glibc

@main
struct SSPRDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssprd",
        abstract: "The sspr registration service (varlink io.sspr.Registration on a unix socket).",
        discussion: "SIGHUP re-reads the policy (a broken one is refused and the old kept). Exit codes: 0 stopped, 1 failed, 2 usage.",
        version: SSPRVersion.current)

    /// sspr's exit-code scheme (SPEC 8) for the daemon too: usage errors are 2, not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            if !message.isEmpty {
                let line = Array((message + "\n").utf8)
                _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }

    @Option(help: ArgumentHelp("Sandbox root: every path is taken under DIR.", valueName: "DIR")) var root: String?
    @Option(help: ArgumentHelp("Socket path (default /run/sspr/ssprd.sock under the root).", valueName: "PATH")) var socket: String?
    @Option(help: ArgumentHelp("Policy file.", valueName: "FILE")) var config: String?
    @Option(help: "Requests per user per minute.") var rateLimit: Int = 120
    @Option(help: "Idle seconds before a connection is closed.") var idleTimeout: Int = 60
    @Option(help: "Seconds a message may take to arrive whole.") var messageTimeout: Int = 10
    @Option(help: "Open connections allowed per uid.") var maxConnectionsPerUser: Int = 32
    @Option(help: "Open connections allowed in all.") var maxConnections: Int = 512
    @Option(help: ArgumentHelp("Also serve the reset for callers that are not root (screen lockers) on this socket, where systemd's sspr-reset.socket does not run.", valueName: "PATH"))
    var resetSocket: String?
    @Option(help: ArgumentHelp("The reset helper started for each reset-socket connection.", valueName: "PATH"))
    var helper: String = "/usr/libexec/sspr/sspr-reset"
    @Option(help: ArgumentHelp("Run no mail or SMS sender: queue codes and notices in the store and write this file, which sspr-outbox.path watches (ssprd.service passes /var/lib/sspr/outbox.trigger). Without it ssprd sends them itself.", valueName: "PATH"))
    var outboxTrigger: String?

    func run() async throws {
        MemoryHygiene.scrubFreedMemory()
        Syslog.claimIdentity("ssprd")
        // Until the reload service watches SIGHUP, its default action would end the daemon: a `systemctl
        // reload` right after READY=1 must find it ignored, not fatal. (UnixSignalsSequence ignores it too.)
        _ = signal(SIGHUP, SIG_IGN)
        var logger = Logger(label: "ssprd")
        logger.logLevel = .notice
        let paths = SystemPaths(root: root)
        var configuration = DaemonConfiguration(paths: paths, policyPath: config, socketPath: socket)
        configuration.requestsPerUserPerMinute = max(1, rateLimit)
        configuration.idleTimeoutSeconds = Int64(max(1, idleTimeout))
        configuration.messageTimeoutSeconds = Int64(max(1, messageTimeout))
        configuration.maximumConnectionsPerUser = max(1, maxConnectionsPerUser)
        configuration.maximumConnections = max(1, maxConnections)
        configuration.outboxTrigger = outboxTrigger
        let loaded = PolicyLoader.load(path: configuration.policyPath)
        for problem in loaded.problems { logger.error("policy: \(problem)") }
        if !loaded.problems.isEmpty {
            // A daemon that guessed around a broken policy could register methods the admin meant to forbid.
            throw ExitCode(1)
        }
        let server = RegistrationServer(configuration: configuration, policy: loaded.policy, logger: logger)
        let reloader = PolicyReloadService(server: server, logger: logger)
        let delivery = OutboxDeliveryService(server: server, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server), .init(service: reloader),
                                                                          .init(service: delivery)]
        if let resetSocket {
            do {
                services.append(.init(service: try ResetSocketService(socketPath: resetSocket, helperPath: helper, root: root)))
            } catch {
                logger.error("reset socket: \(error)")
                throw ExitCode(1)
            }
        }
        let group = ServiceGroup(configuration: .init(services: services,
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
