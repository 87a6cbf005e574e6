// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Logging
import NIOPosix
import ServiceLifecycle
import SSPRCore
import SSPRSystem

/// ssprd's delivery thread (a thread of its own: never the event loop, never a worker). Woken after a call
/// that may have queued a notice, and every `deliveryIntervalSeconds` for retries:
/// - without `outboxTrigger` (no systemd: tests, small systems) it delivers due notices itself;
/// - with it (ssprd's unit, where no sender can run) it writes the trigger file, and sspr-outbox.service
///   delivers; the periodic retries are then sspr-outbox.timer's job.
public final class OutboxDeliveryService: Service, @unchecked Sendable {
    let service: RegistrationService
    let logger: Logger

    public init(server: RegistrationServer, logger: Logger) {
        self.service = server.service
        self.logger = logger
    }

    public func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let waker = service.outboxWaker
        let configuration = service.configuration
        let service = self.service
        let work: @Sendable () -> Void = {
            // Look once at start: notices may have waited while ssprd was down.
            var wakeup = OutboxWaker.Wakeup.woken
            while wakeup != .stopped {
                if let path = configuration.outboxTrigger {
                    if wakeup == .woken { OutboxTrigger(path: path).pull() }
                } else {
                    RecoveryEngine.deliverNotices(paths: configuration.paths, policy: service.policy)
                }
                wakeup = waker.wait(seconds: configuration.deliveryIntervalSeconds)
            }
        }
        await withGracefulShutdownHandler {
            try? await thread.runIfActive(work)
        } onGracefulShutdown: {
            waker.stop()
        }
        try? await thread.shutdownGracefully()
    }
}
