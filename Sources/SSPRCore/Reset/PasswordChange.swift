// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Choosing and writing the new password: twice, libpwquality's verdict, the `remember` history, then hash
/// (login.defs method, verified), the proofs spent, the locked /etc/shadow rewrite, opasswd, pam_faillock tally,
/// nscd (`ShadowPasswordChange`).
///
/// Guarantees: the checker is set up before any proof is asked (`prepare`), and a checker that could refuse
/// every password (no cracklib dictionary) is repaired then, not after a proof; the proofs are spent only by
/// `commit`, in the step that writes the password, so a password refused here costs no proof.
public struct PasswordChange {
    public let paths: SystemPaths
    public let policy: Policy
    public let user: String
    /// /etc/shadow (with the hash read when the flow began: the write aborts if shadow no longer holds it) or
    /// the directory entry (`PasswordChange+Directory.swift`).
    public let target: PasswordTarget
    let quality: PasswordQuality

    public var uid: UInt32 { target.uid }

    /// The longest password libcrypt will hash (CRYPT_MAX_PASSPHRASE_SIZE, 512, counts the terminating NUL).
    public static let maximumPasswordBytes = 511

    /// Sets up the password checks before any proof is asked. With `dictcheck` on and a cracklib dictionary
    /// that cannot be loaded, libpwquality refuses every password ("error loading dictionary"): then the
    /// dictionary check is turned off for this reset only, every other rule of pwquality.conf still applies,
    /// and a warning goes to the log (`sspr admin check` reports it as a problem).
    public static func prepare(paths: SystemPaths, policy: Policy, user: String, target: PasswordTarget,
                               conversation: ResetConversation) -> PasswordChange {
        let quality = PasswordQuality(configPath: paths.pwquality)
        if let failure = quality.dictionaryFailure() {
            quality.disableDictionaryCheck()
            conversation.log(.warning, "password quality: \(failure) (dictpath \(quality.dictionaryPath ?? "default")); "
                             + "resets check every rule but the dictionary until it is installed (cracklib-runtime)")
        }
        return PasswordChange(paths: paths, policy: policy, user: user, target: target, quality: quality)
    }

    /// Asks for the new password until one is acceptable (`ResetFlow.passwordTries` tries).
    public func choose(conversation: ResetConversation) throws(SSPRError) -> SecretBytes {
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
                try conversation.show([ResetMessages.badPassword(ResetMessages.passwordWithNUL)], asError: true)
                continue
            }
            // libcrypt hashes at most CRYPT_MAX_PASSPHRASE_SIZE - 1 bytes (511); a longer reply (the conversation
            // allows 512) would pass every check here and then fail at hashing.
            if first.count > PasswordChange.maximumPasswordBytes {
                try conversation.show([ResetMessages.badPassword(ResetMessages.passwordTooLong(PasswordChange.maximumPasswordBytes))],
                                      asError: true)
                continue
            }
            if let reason = quality.problem(newPassword: first, oldPassword: nil, user: user) {
                try conversation.show([ResetMessages.badPassword(reason)], asError: true)
                continue
            }
            // The `remember` history and the current hash are shadow's; a directory keeps its own history
            // (pwdInHistory) and refuses a reused password at the write, which asks again.
            if let currentHash = target.shadowHash,
               Crypt.verify(first, against: currentHash) || ((try? history.contains(user: user, password: first)) ?? false) {
                try conversation.show([ResetMessages.passwordReused], asError: true)
                continue
            }
            return first
        }
        throw .tooManyAttempts
    }

    /// Why `commit` wrote nothing, for the flow's message and audit.
    public enum CommitFailure: Error {
        /// Another reset spent one of the proofs first (or it was revoked or replaced meanwhile).
        case proofUsedMeanwhile
        /// Hashing, the store or the shadow write failed. `proofsKept` is false only when the proofs were spent
        /// and could not be given back.
        case failed(SSPRError, proofsKept: Bool)
        /// The directory's password policy refused the password (the proofs were given back unless
        /// `proofsKept` is false); when the user can fix it, the flow asks for another.
        case refused(DirectoryRefusal, proofsKept: Bool)
        /// The directory's answer to the write was lost and asking again did not tell: the password may have been
        /// changed. The proofs stay spent.
        case outcomeUnknown(String)
    }

    /// Hashes `password`, spends `claims`, writes /etc/shadow. On any failure /etc/shadow is byte-identical.
    ///
    /// Order: hash first (the slow part, and a failure there must not touch the proofs); then spend every
    /// claim in one store transaction that re-checks each is still unspent; then the shadow write; if that
    /// fails, the proofs are given back. Spending *before* the write means a one-time proof can never change
    /// the password twice: of racing resets holding the same proof exactly one gets past the spend. The cost
    /// is on the safe side: a process killed between the spend and the rename (a lock wait and a few fsyncs)
    /// loses that proof. The other order (write, then spend), or one store transaction held open across the
    /// write, would leave the proof usable after a completed reset whenever the process died or the commit
    /// failed in between, and would hold the store's write lock through the shadow lock's 15 s wait.
    ///
    /// In the directory (`password_store = ldap`) the order is the same: connect and bind, spend, Password
    /// Modify, give back when it fails (`commitToDirectory`).
    public func commit(_ password: SecretBytes, spending claims: [ProofClaim], engine: RecoveryEngine,
                       conversation: ResetConversation) throws(CommitFailure) {
        switch target {
        case .shadow(let account):
            try commitToShadow(password, currentHash: account.hash, spending: claims, engine: engine, conversation: conversation)
        case .directory(let account):
            try commitToDirectory(password, account: account, spending: claims, engine: engine, conversation: conversation)
        }
    }

    private func commitToShadow(_ password: SecretBytes, currentHash: String, spending claims: [ProofClaim],
                                engine: RecoveryEngine, conversation: ResetConversation) throws(CommitFailure) {
        let shadow = ShadowPasswordChange(paths: paths, remember: policy.remember)
        let newHash: String
        do { newHash = try shadow.hash(password) } catch { throw .failed(PasswordChange.map(error), proofsKept: true) }
        let spent = try spend(claims, engine: engine)
        let outcome: ShadowPasswordChange.Outcome
        do {
            outcome = try shadow.apply(user: user, uid: uid, expectedCurrentHash: currentHash, newHash: newHash, today: ShadowDay.today())
        } catch {
            throw .failed(PasswordChange.map(error), proofsKept: giveBack(spent, engine: engine, conversation: conversation))
        }
        // The password is changed from here on: the follow-ups are logged when they fail, never undone.
        if let failure = outcome.historyFailure {
            conversation.log(.warning, "password history of \(user) not updated: \(failure)")
        }
        if case .failure(let failure) = outcome.faillock {
            conversation.log(.warning, "pam_faillock tally of \(user) not reset: \(failure)")
        }
    }

    /// Spends every claim in one store transaction that re-checks each is still unspent.
    func spend(_ claims: [ProofClaim], engine: RecoveryEngine) throws(CommitFailure) -> SpentProofs {
        let spentOrNil: SpentProofs?
        do { spentOrNil = try engine.spend(claims, user: user) } catch { throw .failed(error, proofsKept: true) }
        guard let spent = spentOrNil else { throw .proofUsedMeanwhile }
        return spent
    }

    /// Gives back proofs spent by a write that wrote nothing; false (and logged) when that failed too.
    func giveBack(_ spent: SpentProofs, engine: RecoveryEngine, conversation: ResetConversation) -> Bool {
        do { try engine.giveBack(spent, user: user) } catch {
            conversation.log(.error, "proofs of \(user) spent by a reset that wrote nothing, and not given back: \(error)")
            return false
        }
        return true
    }

    private static func map(_ error: ShadowUpdateError) -> SSPRError {
        if case .lockBusy(let path) = error { return .passwordFileBusy(path) }
        return .passwordUpdateFailed(error.description)
    }
}
