import SSPRSystem

/// Choosing and writing the new password: twice, libpwquality's verdict, the `remember` history, then hash
/// (login.defs method, verified), the locked /etc/shadow rewrite, opasswd, pam_faillock tally, nscd
/// (`ShadowPasswordChange`).
public struct PasswordChange {
    public let paths: SystemPaths
    public let policy: Policy
    public let user: String
    public let uid: UInt32
    /// The hash read when the flow began; the write aborts if shadow no longer holds it.
    public let currentHash: String

    public init(paths: SystemPaths, policy: Policy, user: String, uid: UInt32, currentHash: String) {
        self.paths = paths
        self.policy = policy
        self.user = user
        self.uid = uid
        self.currentHash = currentHash
    }

    /// The longest password libcrypt will hash (CRYPT_MAX_PASSPHRASE_SIZE, 512, counts the terminating NUL).
    public static let maximumPasswordBytes = 511

    /// Asks for the new password until one is acceptable (`ResetFlow.passwordTries` tries).
    public func choose(conversation: ResetConversation) throws(SSPRError) -> SecretBytes {
        let quality = PasswordQuality(configPath: paths.pwquality)
        let history = PasswordHistory(paths: paths, remember: policy.remember)
        for _ in 0..<ResetFlow.passwordTries {
            let first = try conversation.prompt(ResetMessages.newPassword, echo: false)
            let second = try conversation.prompt(ResetMessages.retypePassword, echo: false)
            if first.isEmpty {
                try conversation.show([ResetMessages.emptyPassword], asError: true)
                continue
            }
            if !first.constantTimeEquals(second) {
                try conversation.show([ResetMessages.passwordsDiffer], asError: true)
                continue
            }
            if first.containsNUL {
                try conversation.show([ResetMessages.badPassword("The password contains a NUL character")], asError: true)
                continue
            }
            // libcrypt hashes at most CRYPT_MAX_PASSPHRASE_SIZE - 1 bytes (511); a longer reply (the conversation
            // allows 512) would pass every check here and then fail at hashing, after the proof was used up.
            if first.count > PasswordChange.maximumPasswordBytes {
                try conversation.show([ResetMessages.badPassword("The password is longer than \(PasswordChange.maximumPasswordBytes) bytes")],
                                      asError: true)
                continue
            }
            if let reason = quality.problem(newPassword: first, oldPassword: nil, user: user) {
                try conversation.show([ResetMessages.badPassword(reason)], asError: true)
                continue
            }
            let reused = Crypt.verify(first, against: currentHash) || ((try? history.contains(user: user, password: first)) ?? false)
            if reused {
                try conversation.show([ResetMessages.passwordReused], asError: true)
                continue
            }
            return first
        }
        throw .tooManyAttempts
    }

    /// Hashes and writes `password` (`ShadowPasswordChange`). On any error /etc/shadow is byte-identical.
    public func commit(_ password: SecretBytes, conversation: ResetConversation) throws(SSPRError) {
        let outcome: ShadowPasswordChange.Outcome
        do {
            outcome = try ShadowPasswordChange(paths: paths, remember: policy.remember)
                .apply(user: user, uid: uid, expectedCurrentHash: currentHash, newPassword: password, today: ShadowDay.today())
        } catch {
            if case .lockBusy(let path) = error { throw .passwordFileBusy(path) }
            throw .passwordUpdateFailed(error.description)
        }
        // The password is changed from here on: the follow-ups are logged when they fail, never undone.
        if let failure = outcome.historyFailure {
            conversation.log(.warning, "password history of \(user) not updated: \(failure)")
        }
        if case .failure(let failure) = outcome.faillock {
            conversation.log(.warning, "pam_faillock tally of \(user) not reset: \(failure)")
        }
    }
}
