// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SSPRCore
import SSPRSystem

/// ssprd's server as a swift-service-lifecycle `Service`: binds (or takes systemd's socket), says READY=1,
/// serves until graceful shutdown (SIGTERM), then closes the listener and lets answers in flight finish.
public final class RegistrationServer: Service, @unchecked Sendable {
    public let configuration: DaemonConfiguration
    let service: RegistrationService
    let logger: Logger
    let connections: ConnectionLimiter
    let rateLimiter: RateLimiter

    public init(configuration: DaemonConfiguration, policy: Policy, logger: Logger) {
        self.configuration = configuration
        self.service = RegistrationService(configuration: configuration, policy: policy)
        self.logger = logger
        self.connections = ConnectionLimiter(total: configuration.maximumConnections, perUser: configuration.maximumConnectionsPerUser)
        self.rateLimiter = RateLimiter(requestsPerMinute: configuration.requestsPerUserPerMinute)
    }

    /// SIGHUP: the policy file again; problems mean the old policy stays (see `RegistrationService.reload`).
    public func reloadPolicy() -> [PolicyProblem] { service.reload() }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: configuration.workerThreads)
        pool.start()
        let senderPool = NIOThreadPool(numberOfThreads: configuration.senderThreads)
        senderPool.start()
        let channel = try await bind(group: group, pool: pool, senderPool: senderPool)
        ServiceManagerNotification.notify("READY=1")
        logger.notice("ssprd listening", metadata: ["socket": "\(configuration.socketPath)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            ServiceManagerNotification.notify("STOPPING=1")
            channel.close(promise: nil)
        }
        try? await pool.shutdownGracefully()
        try? await senderPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        logger.notice("ssprd stopped")
    }

    private func bind(group: EventLoopGroup, pool: NIOThreadPool, senderPool: NIOThreadPool) async throws -> Channel {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { [self] channel in self.accept(channel, pool: pool, senderPool: senderPool) }
        if let fd = ServiceManagerNotification.activatedSocket() {
            return try await bootstrap.withBoundSocket(fd).get()
        }
        let path = configuration.socketPath
        try SocketDirectory.prepare(for: path)
        // Created under a tight umask, then opened to everyone explicitly: no moment with wider bits than meant.
        let previous = ServiceManagerNotification.setUmask(0o177)
        defer { ServiceManagerNotification.setUmask(previous) }
        let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        try FileSystem.changeMode(path, mode: 0o666)
        return channel
    }

    /// Reads the peer's credentials from the kernel, applies the connection bounds, installs the handler.
    private func accept(_ channel: Channel, pool: NIOThreadPool, senderPool: NIOThreadPool) -> EventLoopFuture<Void> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.close()
        }
        let credentials: EventLoopFuture<PeerCredentials.Raw> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(PeerCredentials.socketLevel), name: SocketOptionName(PeerCredentials.option))
        return credentials.flatMap { [self] cred in
            let peer = PeerIdentity(uid: cred.uid, gid: cred.gid, pid: cred.pid)
            guard connections.acquire(uid: peer.uid) else {
                return channel.close()
            }
            let session = ConnectionSession(peer: peer, userName: service.userName(uid: peer.uid))
            let limiter = connections
            let handler = VarlinkConnectionHandler(service: service, session: session, pool: pool, senderPool: senderPool,
                                                   rateLimiter: rateLimiter, onClose: { limiter.release(uid: peer.uid) })
            return channel.pipeline.addHandler(handler)
        }
    }
}

/// The socket's parent directory: created 0755 root if missing; refused if it is writable by others.
enum SocketDirectory {
    static func prepare(for socketPath: String) throws {
        let directory = FileSystem.parentDirectory(of: socketPath)
        try FileSystem.makeDirectories(directory, mode: 0o755)
        guard let status = try FileSystem.status(directory), status.kind == .directory, status.mode & 0o022 == 0 else {
            throw SystemError(EPERM, "socket directory is not a directory or is writable by others", path: directory)
        }
    }
}
