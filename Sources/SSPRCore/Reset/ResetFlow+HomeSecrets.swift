import SSPRSystem

/// The keyrings a completed reset sets aside (`keyring = move`), and the date in their new names.
struct KeyringsToMove {
    var files: [HomeSecrets.KeyringFile] = []
    var date = ""
}

extension ResetFlow {
    /// Inspects the account's home and tells the user what the reset costs (`HomeSecretsNotice`). Throws, with
    /// the audit reason in `progress`, when the reset is refused or declined; else returns what to move after
    /// the write.
    func checkHome(user: String, engine: RecoveryEngine, conversation: ResetConversation,
                   progress: inout ResetProgress) throws(SSPRError) -> KeyringsToMove {
        guard let account = engine.accounts.account(named: user) else { return KeyringsToMove() }
        let secrets = HomeInspector(paths: paths, account: account).inspect { conversation.log(.warning, $0) }
        let date = SystemClock.localTime(SystemClock.now(), format: "%Y-%m-%d")
        let notice = HomeSecretsNotice(policy: policy, user: user, date: date)
        switch try notice.decide(secrets, conversation: conversation) {
        case .proceed:
            return KeyringsToMove(files: policy.keyring == .move ? secrets.keyrings : [], date: date)
        case .refused(let reason):
            progress.reason = reason
            throw .notAvailable(reason)
        case .declined(let reason):
            progress.reason = reason
            progress.declined = true
            throw .notAvailable(reason)
        }
    }

    /// After the password is written: sets the keyrings aside and says where they are. Never fails the reset.
    func moveKeyrings(_ keyrings: KeyringsToMove, user: String, engine: RecoveryEngine, conversation: ResetConversation) {
        guard !keyrings.files.isEmpty, let account = engine.accounts.account(named: user) else { return }
        let moved = KeyringMove(paths: paths, account: account).moveAside(keyrings.files, date: keyrings.date) {
            conversation.log(.warning, $0)
        }
        guard !moved.isEmpty else { return }
        conversation.log(.notice, "keyrings of \(user) set aside: " + moved.map(\.displayPath).joined(separator: ", "))
        try? conversation.show(moved.map(HomeSecretsMessages.keptAside), asError: false)
    }
}
