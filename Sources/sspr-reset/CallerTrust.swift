// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Who asked for this reset, which decides what of the request the helper believes.
enum CallerTrust: Equatable {
    /// Started by pam_sspr.so inside a root PAM application (login, su, sshd, gdm): the request's items and
    /// module arguments are as trustworthy as the application's PAM configuration.
    case module
    /// A root process on the reset socket: the same.
    case rootPeer
    /// A process that is not root on the reset socket (a screen locker): only the account with this uid, only
    /// under `lock_screen = yes`, and its module arguments are ignored (it could name any policy file or
    /// override any key); the helper's own `--root` and the policy file decide.
    case userPeer(uid: UInt32)

    var requiredUID: UInt32? {
        if case .userPeer(let uid) = self { return uid }
        return nil
    }
}
