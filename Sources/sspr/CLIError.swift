// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRDaemon

/// A command-line failure with its exit code (SPEC section 8: 0 done, 1 failed, 2 usage, 3 not permitted,
/// 4 daemon unreachable). Messages never contain a secret.
struct CLIError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    /// The daemon's error when the failure is one (set by `RegistrationClient.cliError`): callers that react
    /// to a particular error test this, never the message, which is translated.
    var daemonError: RegistrationError? = nil
    var isWrongCode: Bool { daemonError == .invalidCode }

    static func failed(_ message: String) -> CLIError { CLIError(code: 1, message: message) }
    static func usage(_ message: String) -> CLIError { CLIError(code: 2, message: message) }
    static func notPermitted(_ message: String) -> CLIError { CLIError(code: 3, message: message) }
    static func daemonUnreachable(_ message: String) -> CLIError { CLIError(code: 4, message: message) }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The one mapping from engine errors to exit codes.
    init(_ error: SSPRError) {
        switch error {
        case .notPermitted(let m): self = .notPermitted(m)
        case .invalidInput(let m): self = .failed(m)
        case .policyInvalid, .storeUnavailable, .storeUnreachable, .storeFailure, .notAvailable, .lockedOut, .system, .hashing,
             .conversationFailed, .tooManyAttempts, .passwordFileBusy, .passwordUpdateFailed, .directoryUnavailable:
            self = .failed(error.description)
        }
    }

    var description: String { message }
}
