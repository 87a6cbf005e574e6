/// The words of the reset conversation (SPEC section 5). Tests and scripts rely on them; change them only
/// with the contract.
public enum ResetMessages {
    public static let offer = "Forgot your password? Type yes to reset it, or press Enter to try again: "
    public static let notAvailable = "Password reset is not available for this account."
    public static func lockedUntil(_ localTime: String) -> String { "Password reset is locked until \(localTime)." }
    public static func verifyHeader(step: Int, of gates: Int) -> String {
        gates > 1 ? "Verify your identity (step \(step) of \(gates)):" : "Verify your identity:"
    }
    public static func chooseMethod(_ count: Int) -> String { "Choose a method [1-\(count)]: " }
    public static func invalidChoice(_ count: Int) -> String { "Please type a number from 1 to \(count)." }
    public static let totpPrompt = "Authenticator app code: "
    public static let recoveryCodePrompt = "Recovery code: "
    public static let passPrompt = "Temporary access pass: "
    public static func codeSentPrompt(_ masked: String) -> String { "Code sent to \(masked): " }
    public static let wrongProof = "That was not right."
    public static let codeNotSent = "The code could not be sent. Choose another method."
    public static let tooManyCodes = "Too many codes were sent in the last hour. Choose another method or try again later."
    public static let newPassword = "New password: "
    public static let retypePassword = "Retype new password: "
    public static let passwordsDiffer = "Sorry, passwords do not match."
    public static let emptyPassword = "No password has been supplied."
    public static func badPassword(_ reason: String) -> String { "BAD PASSWORD: \(reason)" }
    public static let passwordReused = "Password has been already used. Choose another."
    public static let resetDone = "Your password has been reset."
    public static let loginAgain = "Log in with your new password."
    public static let resetFailed = "Your password could not be changed. Nothing was changed; try again later."
    /// After the last wrong proof, invalid choice or refused password, so the user knows why it ended.
    public static let tooManyAttempts = "Too many attempts."
    /// After the new password was refused: the proofs are spent only by a completed reset.
    public static let nothingUsedUp = "Your password was not changed, and the codes you entered were not used up."
    /// The loser of two resets holding the same one-time proof.
    public static let proofUsedMeanwhile = "That code was just used by another password reset. Nothing was changed."

    /// The question's text as a prompt (one trailing space, as the other prompts have).
    public static func question(_ text: String) -> String { text.hasSuffix(" ") ? text : text + " " }
}
