// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore

/// ssprd's settings: where, and the bounds that keep one client from hurting the others (SPEC 7).
public struct DaemonConfiguration: Sendable {
    public var paths: SystemPaths
    public var policyPath: String
    public var socketPath: String
    /// Largest message, refused before more is buffered.
    public var maximumMessageBytes = 64 * 1024
    /// A connection with no traffic for this long is closed.
    public var idleTimeoutSeconds: Int64 = 60
    /// A message must arrive whole within this long of its first byte (slow-sender protection).
    public var messageTimeoutSeconds: Int64 = 10
    public var maximumConnections = 512
    public var maximumConnectionsPerUser = 32
    /// Requests per uid per minute (root is not limited: it could edit the store directly anyway).
    public var requestsPerUserPerMinute = 120
    /// Messages a client may queue behind the one being answered.
    public var maximumQueuedMessages = 8
    /// How long a password proof on a connection lasts.
    public var authenticationLifetimeSeconds: Int64 = 600
    /// Members of this group may administer others (after proving their own password).
    public var adminGroup = "sspr-admin"
    public var workerThreads = 2
    /// Threads that answer BeginContact, whose sender (or wait for the deliverer) may take seconds: apart from
    /// the worker pool, so a slow sender never stalls GetStatus or anyone else's request.
    public var senderThreads = 4
    /// Set where ssprd may not run senders (its systemd unit: no network, read-only /var): ssprd then only
    /// queues codes and notices and writes this file, which sspr-outbox.path watches to start the deliverer
    /// (sspr-outbox.service). Nil: ssprd sends codes itself and delivers notices from its own thread.
    public var outboxTrigger: String? = nil
    /// How often the delivery thread looks at the outbox without being woken (retries with backoff).
    public var deliveryIntervalSeconds: Int64 = 60
    /// Whether a missing store is created on first use (ssprd: yes; the CLI's read-only admin commands as
    /// root: no, so a store missing at the policy's path is an error, never "nobody registered").
    public var createStore = true

    public init(paths: SystemPaths, policyPath: String? = nil, socketPath: String? = nil) {
        self.paths = paths
        self.policyPath = policyPath ?? paths.policy
        self.socketPath = socketPath ?? paths.socket
    }
}
