import SSPRCore
import SSPRSystem

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
        case .storeUnavailable, .storeFailure: return PAMResult.authInfoUnavailable
        case .notAvailable, .invalidInput, .notPermitted: return PAMResult.authError
        case .lockedOut, .tooManyAttempts: return PAMResult.maxTries
        case .system, .hashing: return PAMResult.systemError
        case .conversationFailed: return PAMResult.conversationError
        case .passwordFileBusy: return PAMResult.authTokenLockBusy
        case .passwordUpdateFailed: return PAMResult.authTokenError
        }
    }
}
