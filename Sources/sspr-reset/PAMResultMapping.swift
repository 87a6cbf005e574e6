// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore

/// PAM result codes, by libpam's numbers (security/_pam_types.h; a stable ABI). The helper does not link libpam:
/// the module checks every code it receives against the same list (pam/module/sspr_relay.c).
enum PAMResult {
    static let success: Int32 = 0
    static let systemError: Int32 = 4
    static let authError: Int32 = 7
    static let authInfoUnavailable: Int32 = 9
    static let maxTries: Int32 = 11
    static let conversationError: Int32 = 19
    static let authTokenError: Int32 = 20
    static let authTokenLockBusy: Int32 = 22
    static let ignore: Int32 = 25
    /// PAM_SILENT
    static let silentFlag: Int32 = 0x8000
}

/// The one place engine results become PAM codes. `PAM_SUCCESS` only for a completed reset under
/// `on_success = login`; everything else fails closed (with the recommended stack, any non-success code falls
/// through to pam_deny).
enum PAMResultMapping {
    static func code(for outcome: ResetOutcome) -> Int32 {
        switch outcome {
        case .declined: return PAMResult.ignore
        case .completed(let signIn, _): return signIn ? PAMResult.success : PAMResult.ignore
        }
    }

    static func code(for error: SSPRError) -> Int32 {
        switch error {
        case .policyInvalid: return PAMResult.ignore
        case .storeUnavailable, .storeUnreachable, .storeFailure, .directoryUnavailable: return PAMResult.authInfoUnavailable
        case .notAvailable, .invalidInput, .notPermitted: return PAMResult.authError
        case .lockedOut, .tooManyAttempts: return PAMResult.maxTries
        case .system, .hashing: return PAMResult.systemError
        case .conversationFailed: return PAMResult.conversationError
        case .passwordFileBusy: return PAMResult.authTokenLockBusy
        case .passwordUpdateFailed: return PAMResult.authTokenError
        }
    }
}
