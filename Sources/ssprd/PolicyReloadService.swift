// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Logging
import ServiceLifecycle
import SSPRDaemon
import UnixSignals

/// `systemctl reload ssprd` (ExecReload sends SIGHUP): re-reads sspr.conf and the questions. Without it ssprd
/// kept telling users what the policy it started with allowed, while the module followed the new file.
struct PolicyReloadService: Service {
    let server: RegistrationServer
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            let problems = server.reloadPolicy()
            if problems.isEmpty {
                logger.notice("policy reloaded", metadata: ["policy": "\(server.configuration.policyPath)"])
            } else {
                for problem in problems { logger.error("policy reload refused, previous policy kept: \(problem)") }
            }
        }
    }
}
