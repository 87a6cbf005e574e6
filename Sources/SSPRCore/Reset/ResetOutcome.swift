// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// How a reset conversation ended, when it ended normally. Failures are `SSPRError`s.
public enum ResetOutcome: Sendable {
    /// The user did not ask for a reset (anything but "yes" at the offer).
    case declined
    /// The password was changed. `signIn` is true under `on_success = login`.
    /// `newPassword` is handed back only under `on_success = login`, for `PAM_AUTHTOK` (the modules after pam_sspr,
    /// pam_gnome_keyring and pam_kwallet, open the new keyring with it); otherwise nil.
    case completed(signIn: Bool, newPassword: SecretBytes?)
}
