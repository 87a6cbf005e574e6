import SSPRSystem

/// SPEC 6 from start to end for one user: hash the new password as `passwd` would (the PAM password stack's
/// pam_unix options, then login.defs, then libcrypt's preferred method; verified with crypt_rn),
/// replace the hash in shadow under the locks, then the follow-ups: name-service caches, the old hash into
/// opasswd, the pam_faillock tally reset.
///
/// Guarantees: when `apply` throws, nothing was written to shadow (see `ShadowWriter`). When it returns, the
/// new password is in place; the follow-ups are best effort and their failures are reported in the outcome,
/// never thrown, because by then the password has changed and the caller must know it did.
public struct ShadowPasswordChange {
    public let paths: SystemPaths
    /// How many old hashes opasswd keeps (policy `remember`); 0 records none.
    public var remember: Int
    public var writer: ShadowWriter

    public init(paths: SystemPaths, remember: Int) {
        self.paths = paths
        self.remember = remember
        writer = ShadowWriter(paths: paths)
    }

    /// What happened after the shadow write.
    public struct Outcome: Equatable {
        public let update: ShadowUpdate
        public let cache: NameServiceCache.Outcome
        /// Nil when the old hash was recorded or there was nothing to record.
        public let historyFailure: PasswordHistory.Failure?
        public let faillock: Result<FaillockTally.Outcome, FaillockTally.Failure>
    }

    public func apply(user: String, uid: UInt32, expectedCurrentHash: String, newPassword: SecretBytes,
                      today: Int) throws(ShadowUpdateError) -> Outcome {
        try apply(user: user, uid: uid, expectedCurrentHash: expectedCurrentHash, newHash: try hash(newPassword), today: today)
    }

    /// The hash `apply` would write for `newPassword`: the method and cost `passwd` would use
    /// (`HashMethod.forNewPassword`), verified with crypt_rn. Separate so a caller can hash (the slow part)
    /// before it commits to the write.
    public func hash(_ newPassword: SecretBytes) throws(ShadowUpdateError) -> String {
        let method: HashMethod
        do { method = try HashMethod.forNewPassword(paths: paths) } catch { throw .configurationUnreadable(error) }
        do { return try PasswordHasher.hash(newPassword, method: method) } catch { throw .hashingFailed(error) }
    }

    /// `apply` with a hash from `hash(_:)`.
    public func apply(user: String, uid: UInt32, expectedCurrentHash: String, newHash: String,
                      today: Int) throws(ShadowUpdateError) -> Outcome {
        let update = try writer.replaceHash(user: user, expectedCurrentHash: expectedCurrentHash, newHash: newHash, today: today)

        let cache = NameServiceCache.invalidateShadow(paths: paths)
        var historyFailure: PasswordHistory.Failure?
        do {
            var history = PasswordHistory(paths: paths, remember: remember)
            history.lockTimeoutMilliseconds = writer.lockTimeoutMilliseconds
            try history.record(user: user, uid: uid, oldHash: update.previousHash)
        } catch {
            historyFailure = error
        }
        let faillock: Result<FaillockTally.Outcome, FaillockTally.Failure>
        do { faillock = .success(try FaillockTally.reset(user: user, paths: paths)) } catch { faillock = .failure(error) }
        return Outcome(update: update, cache: cache, historyFailure: historyFailure, faillock: faillock)
    }
}
