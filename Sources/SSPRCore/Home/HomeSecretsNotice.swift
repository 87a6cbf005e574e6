import SSPRSystem

/// Tells the user, after the proofs and before "New password:", what the reset will cost (`HomeSecrets`),
/// applies `keyring` and `encrypted_home`, and asks for a yes where something would be lost.
///
/// Guarantees: a homed account and (under `encrypted_home = refuse`) an encrypted home are refused before any
/// password is asked, so nothing is written and no proof is spent; anything but yes at the question ends the
/// reset the same way.
struct HomeSecretsNotice {
    enum Decision: Equatable {
        case proceed
        /// Refused by the account's kind or the policy; `reason` is for the audit (never a secret).
        case refused(reason: String)
        /// The user said no after hearing the cost.
        case declined(reason: String)
    }

    let policy: Policy
    let user: String
    /// The date the keyrings would be set aside with ("2026-11-28").
    let date: String

    func decide(_ secrets: HomeSecrets, conversation: ResetConversation) throws(SSPRError) -> Decision {
        guard secrets.costsSomething else { return .proceed }
        let helpdesk = policy.helpdesk.map { [$0] } ?? []
        if secrets.homed {
            try conversation.show(HomeSecretsMessages.homed(user) + [ResetMessages.nothingUsedUp] + helpdesk, asError: true)
            return .refused(reason: "systemd-homed account")
        }
        let encrypted = secrets.encryptedHome
        if !encrypted.isEmpty && policy.encryptedHome == .refuse {
            try conversation.show(HomeSecretsMessages.encryptedHomeRefused(encrypted) + [ResetMessages.nothingUsedUp] + helpdesk,
                                  asError: true)
            return .refused(reason: "encrypted home (\(encrypted.map(\.rawValue).joined(separator: ","))) refused by policy")
        }
        var lines: [String] = []
        if !encrypted.isEmpty { lines += HomeSecretsMessages.encryptedHomeWarning(encrypted) }
        for keyring in secrets.keyrings {
            lines += policy.keyring == .move ? HomeSecretsMessages.keyringMoved(keyring, date: date)
                                             : HomeSecretsMessages.keyringKept(keyring)
        }
        try conversation.show(lines, asError: false)
        let answer = try conversation.prompt(HomeSecretsMessages.confirm, echo: true)
        guard ResetFlow.isYes(answer) else {
            try conversation.show([ResetMessages.nothingUsedUp], asError: false)
            let what = (encrypted.map(\.rawValue) + secrets.keyrings.map(\.kind.rawValue)).joined(separator: ", ")
            return .declined(reason: "declined after the warning (\(what))")
        }
        return .proceed
    }
}
