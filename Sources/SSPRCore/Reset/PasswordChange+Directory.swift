// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

extension PasswordChange {
    /// Writes `password` into the user's directory entry (`password_store = ldap`): no /etc/shadow write, no
    /// shadow lock, no opasswd; the directory's policy (slapo-ppolicy) keeps the history and may refuse.
    ///
    /// Order, as for shadow: connect and bind as the reset account first (a server that went away since the
    /// account check costs no proof), then spend the claims, then the Password Modify extended operation, and
    /// give the proofs back when it did not change the password. A refusal by the password policy comes back as
    /// `.refused`, so the flow can say why and ask again with the proofs still unspent.
    func commitToDirectory(_ password: SecretBytes, account: DirectoryAccount, spending claims: [ProofClaim],
                           engine: RecoveryEngine, conversation: ResetConversation) throws(CommitFailure) {
        let directory: DirectoryConnection
        do { directory = try DirectoryConnection.open(policy.ldap, paths: paths) } catch { throw .failed(error, proofsKept: true) }
        let spent = try spend(claims, engine: engine)
        let result = directory.setPassword(dn: account.dn, to: password)
        // A negative code is libldap's own (timeout, connection lost): the request may have reached the directory
        // and changed the password with only its answer lost. Nothing is given back before the directory is asked.
        if result.code < 0 {
            conversation.log(.warning, "the answer to the password write of \(account.dn) was lost (\(result.code)); asking the directory")
            switch DirectoryWriteCheck.passwordIsNow(password, dn: account.dn, settings: policy.ldap, paths: paths) {
            case .changed:
                conversation.log(.notice, "password of \(account.dn) was changed although its answer was lost")
                return
            case .unchanged:
                break
            case .unknown(let why):
                throw .outcomeUnknown("\(account.dn): answer lost (\(result.code)), and the directory could not be asked again: \(why)")
            }
        }
        guard result.succeeded else {
            let kept = giveBack(spent, engine: engine, conversation: conversation)
            if let refusal = DirectoryRefusal(result.policyError) { throw .refused(refusal, proofsKept: kept) }
            let failure = LDAPError(step: .passwordModify, code: result.code, diagnostic: result.diagnostic)
            throw .failed(.passwordUpdateFailed("\(account.dn): \(failure)"), proofsKept: kept)
        }
        leaveNoResetFlag(dn: account.dn, directory: directory, conversation: conversation)
    }

    /// slapo-ppolicy (OpenLDAP 2.5) sets pwdReset = TRUE, "must change the password at the next bind", when a
    /// *password administrator* changes a password under a policy with pwdMustChange TRUE; a password
    /// administrator is an identity with *manage* access to the password attribute (slapo-ppolicy(5)). Any other
    /// identity's change counts as the user's own: ppolicy then removes pwdReset, and it checks the
    /// password's quality and history as for the user (which an administrator's change skips). A reset is the
    /// user's own choice of password, so the decision is: the reset account gets *write*, not manage, access
    /// to userPassword (docs/ldap-writeback.md), and the reset leaves no pwdReset by the server's own rule, in
    /// the same operation. Should the account have been given manage access anyway, the flag is found here,
    /// removed with a second operation, and the misconfiguration logged: the password is changed by then.
    private func leaveNoResetFlag(dn: String, directory: DirectoryConnection, conversation: ResetConversation) {
        let entry: LDAPEntry?
        do { entry = try directory.entry(dn: dn) } catch {
            conversation.log(.warning, "password of \(dn) changed; pwdReset could not be read back: \(error)")
            return
        }
        guard let entry, !entry.values("pwdReset").isEmpty else { return }
        conversation.log(.error, "ppolicy set pwdReset on \(dn): the reset account has manage access to userPassword, which makes "
                         + "it a password administrator (and skips pwdMinLength and pwdInHistory); give it write access only")
        do { try directory.removeAttribute(dn: dn, name: "pwdReset") } catch {
            conversation.log(.error, "pwdReset on \(dn) could not be removed: \(error)")
        }
    }
}
