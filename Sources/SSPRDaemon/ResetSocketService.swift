// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import NIOConcurrencyHelpers
import ServiceLifecycle
import SSPRSystem

/// `ssprd --reset-socket PATH --helper PATH`: serves the reset for callers that are not root (screen lockers)
/// where systemd's sspr-reset.socket does not run. Each connection gets its own `sspr-reset --peer`; the
/// accept loop runs on a thread of its own, so it never touches the registration server's event loop.
public struct ResetSocketService: Service {
    let launcher: HelperLauncher

    public init(socketPath: String, helperPath: String, root: String?) throws(SystemError) {
        launcher = try HelperLauncher(socketPath: socketPath, helperPath: helperPath,
                                      helperArguments: root.map { ["--root", $0] } ?? [])
    }

    public func run() async throws {
        let stop = NIOLockedValueBox(false)
        let finished = NIOLockedValueBox(false)
        let launcher = self.launcher
        let thread = Thread {
            launcher.serve { stop.withLockedValue { $0 } }
            finished.withLockedValue { $0 = true }
        }
        thread.name = "reset-socket"
        thread.start()
        try? await gracefulShutdown()
        stop.withLockedValue { $0 = true }
        while !finished.withLockedValue({ $0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
