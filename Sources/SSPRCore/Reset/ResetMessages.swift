// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// The words of the reset conversation (SPEC section 5). Tests and scripts rely on the English ones; change
/// them only with the contract. Each goes through gettext (`translated`, text domain `sspr`, po/): computed
/// on every use, so they speak the locale the helper set from the request.
public enum ResetMessages {
    public static var offer: String { translated("Forgot your password? Type yes to reset it, or press Enter to try again: ") }
    public static var notAvailable: String { translated("Password reset is not available for this account.") }
    /// The store or the LDAP directory cannot be reached or used: a passing problem, nothing about the account.
    public static var notAvailableNow: String { translated("Password reset is not available right now.") }
    public static func lockedUntil(_ localTime: String) -> String {
        translated("Password reset is locked until {time}.", ["time": localTime])
    }
    public static func verifyHeader(step: Int, of gates: Int) -> String {
        gates > 1
            ? translated("Verify your identity (step {step} of {gates}):", ["step": String(step), "gates": String(gates)])
            : translated("Verify your identity:")
    }
    public static func chooseMethod(_ count: Int) -> String {
        translated("Choose a method [1-{count}]: ", ["count": String(count)])
    }
    public static func invalidChoice(_ count: Int) -> String {
        translated("Please type a number from 1 to {count}.", ["count": String(count)])
    }
    public static var totpPrompt: String { translated("Authenticator app code: ") }
    public static var recoveryCodePrompt: String { translated("Recovery code: ") }
    public static var passPrompt: String { translated("Temporary access pass: ") }
    public static func codeSentPrompt(_ masked: String) -> String { translated("Code sent to {address}: ", ["address": masked]) }
    /// A reply that cannot be a proof of the method (refused without counting toward the lockout).
    public static func notAProof(_ method: MethodKind) -> String {
        switch method {
        case .totp: return translated("Type the 6 digits your authenticator app shows.")
        case .email, .sms: return translated("Type the 6 digits of the code you were sent.")
        case .recoveryCode: return translated("A recovery code has 10 letters and digits.")
        case .tap: return translated("A temporary access pass has 16 letters and digits.")
        case .questions: return translated("Answer each question with its own answer.")
        }
    }
    /// Before a code is sent when no menu was shown: a step that a client replaying one text cannot pass.
    public static func sendCodePrompt(_ masked: String) -> String {
        translated("Press Enter to send a code to {address}: ", ["address": masked])
    }
    public static var codeNotSentNoEnter: String { translated("No code was sent.") }
    public static var wrongProof: String { translated("That was not right.") }
    public static var codeNotSent: String { translated("The code could not be sent. Choose another method.") }
    public static var tooManyCodes: String {
        translated("Too many codes were sent in the last hour. Choose another method or try again later.")
    }
    public static var newPassword: String { translated("New password: ") }
    public static var retypePassword: String { translated("Retype new password: ") }
    public static var passwordsDiffer: String { translated("Sorry, passwords do not match.") }
    public static var emptyPassword: String { translated("No password has been supplied.") }
    /// libpwquality's reason stays as libpwquality words it (it has its own translations, domain libpwquality).
    public static func badPassword(_ reason: String) -> String { translated("BAD PASSWORD: {reason}", ["reason": reason]) }
    public static var passwordWithNUL: String { translated("The password contains a NUL character") }
    public static func passwordTooLong(_ bytes: Int) -> String {
        translated("The password is longer than {bytes} bytes", ["bytes": String(bytes)])
    }
    /// The directory's password policy (slapo-ppolicy) refused the password; shown after "BAD PASSWORD: ".
    public static var directoryTooShort: String { translated("The password is shorter than the directory's password policy allows") }
    public static var directoryTooLong: String { translated("The password is longer than the directory's password policy allows") }
    public static var directoryQuality: String { translated("The password does not meet the directory's password quality rules") }
    public static var directoryTooYoung: String {
        translated("The password was changed too recently to be changed again. Try again later.")
    }
    public static var directoryLocked: String { translated("The account is locked in the directory.") }
    public static var passwordReused: String { translated("Password has been already used. Choose another.") }
    public static var resetDone: String { translated("Your password has been reset.") }
    public static var loginAgain: String { translated("Log in with your new password.") }
    public static var resetFailed: String { translated("Your password could not be changed. Nothing was changed; try again later.") }
    /// The directory's answer to the write was lost and it could not be asked again.
    public static var mayHaveChanged: String {
        translated("Your password may have been changed: the directory did not answer. Try the new password; if it does not work, ask for help.")
    }
    /// After the last wrong proof, invalid choice or refused password, so the user knows why it ended.
    public static var tooManyAttempts: String { translated("Too many attempts.") }
    /// After the new password was refused: the proofs are spent only by a completed reset.
    public static var nothingUsedUp: String { translated("Your password was not changed, and the codes you entered were not used up.") }
    /// The loser of two resets holding the same one-time proof.
    public static var proofUsedMeanwhile: String { translated("That code was just used by another password reset. Nothing was changed.") }

    /// The question's text as a prompt (one trailing space, as the other prompts have). Questions come from the
    /// administrator's catalogue (sspr-questions.conf), in the words the administrator wrote.
    public static func question(_ text: String) -> String { text.hasSuffix(" ") ? text : text + " " }
}
