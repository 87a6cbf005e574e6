// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import NIOConcurrencyHelpers
import SSPRSystem

/// What one connection has established: the peer, whether (and when) it proved its password, and a TOTP
/// secret offered but not yet confirmed. Requests on a connection are answered one at a time; the lock makes
/// that explicit.
public final class ConnectionSession: @unchecked Sendable {
    public let peer: PeerIdentity
    public let userName: String?
    private let lock = NIOLock()
    private var authenticatedAt: Int64?
    private var pendingSecret: SecretBytes?
    private var methodProvedAt: Int64?

    public init(peer: PeerIdentity, userName: String?) {
        self.peer = peer
        self.userName = userName
    }

    public func markAuthenticated(at time: Int64) { lock.withLock { authenticatedAt = time } }

    /// True when the password was proved on this connection within `lifetime` seconds.
    public func isAuthenticated(now: Int64, lifetime: Int64) -> Bool {
        lock.withLock { authenticatedAt.map { now - $0 <= lifetime && now >= $0 } ?? false }
    }

    public func markMethodProved(at time: Int64) { lock.withLock { methodProvedAt = time } }

    /// True when one of the user's methods was proved on this connection within `lifetime` seconds.
    public func hasFreshMethodProof(now: Int64, lifetime: Int64) -> Bool {
        lock.withLock { methodProvedAt.map { now - $0 <= lifetime && now >= $0 } ?? false }
    }

    public func setPendingSecret(_ secret: SecretBytes?) { lock.withLock { pendingSecret = secret } }
    public func takePendingSecret() -> SecretBytes? {
        lock.withLock {
            let s = pendingSecret
            pendingSecret = nil
            return s
        }
    }
    public var hasPendingSecret: Bool { lock.withLock { pendingSecret != nil } }
}
