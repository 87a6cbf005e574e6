// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRResetProtocol
import SSPRSystem

/// `pam_sm_authenticate`, in the helper: runs only after the password failed. It offers the reset when the
/// service is allowed, no network is involved (or `allow_remote`), the policy enables the user and the caller
/// may reset this account; otherwise it returns PAM_IGNORE without a word, and logs why at notice level.
struct AuthenticateRequest {
    let request: ResetRequest
    let options: HelperOptions
    let trust: CallerTrust
    let conversation: ProtocolConversation

    struct Result {
        let code: Int32
        /// The new password for PAM_AUTHTOK, after a completed reset under `on_success = login`.
        let newPassword: SecretBytes?
        /// After a completed reset: delivers its notices from the outbox, run once the result is sent.
        var deliverNotices: (() -> Void)? = nil
    }

    func run() -> Result {
        let ignore = Result(code: PAMResult.ignore, newPassword: nil)
        if request.invalidArguments > 0 || !options.problems.isEmpty {
            for problem in options.problems { conversation.log(.error, "module argument: \(problem); reset not offered") }
            if request.invalidArguments > 0 { conversation.log(.error, "module argument is not UTF-8; reset not offered") }
            return ignore
        }
        let paths = options.paths
        let loaded = PolicyLoader.load(path: options.config ?? paths.policy, overrides: options.policyOverrides)
        if !loaded.problems.isEmpty {
            for problem in loaded.problems { conversation.log(.error, "\(problem); reset not offered (sspr admin check)") }
            return ignore
        }
        let policy = loaded.policy
        if let reason = notOffered(policy: policy) {
            conversation.log(.notice, "reset not offered: \(reason)")
            return ignore
        }
        guard let user = request.user, isPlausibleUserName(user) else { return ignore }
        // For a caller that is not root, another user's account is treated exactly like an unknown name.
        var account = AccountDirectory(paths: paths).account(named: user)
        if let uid = trust.requiredUID, account?.uid != uid { account = nil }
        switch policy.enabled {
        case .all: break
        case .none:
            conversation.log(.notice, "reset not offered: enabled = none")
            return ignore
        case .group(let name):
            guard let account, account.groups.contains(name) else {
                conversation.log(.notice, "reset not offered: user not in group \(name)")
                return ignore
            }
        }
        // Caller-supplied items: escaped and bounded before they reach the audit, its journal lines and syslog.
        let context = AuditContext(service: LogText.escape(request.service ?? "", limit: 64), tty: LogText.escape(request.tty ?? "", limit: 64),
                                   rhost: LogText.escape(request.rhost ?? "", limit: LogText.fieldLimit),
                                   actor: user)
        let flow = ResetFlow(paths: paths, policy: policy, context: context, requiredUID: trust.requiredUID) { () throws(SSPRError) in
            try RecoveryEngine.open(paths: paths, policy: policy, create: false)
        }
        do {
            let outcome = try flow.run(user: user, conversation: conversation)
            if case .completed(_, let newPassword) = outcome {
                // This helper is root, in its own session, and the caller cannot signal it: the notice goes out
                // even when the application was killed at the success line. What fails waits in the outbox.
                return Result(code: PAMResultMapping.code(for: outcome), newPassword: newPassword,
                              deliverNotices: { RecoveryEngine.deliverNotices(paths: paths, policy: policy, limit: 2, user: user) })
            }
            return Result(code: PAMResultMapping.code(for: outcome), newPassword: nil)
        } catch {
            conversation.log(.debug, "reset ended: \(error)")
            return Result(code: PAMResultMapping.code(for: error), newPassword: nil)
        }
    }

    /// Why the reset is not offered at all, before any word to the user; nil when it may be.
    private func notOffered(policy: Policy) -> String? {
        guard let service = request.service, policy.services.contains(service) else {
            return "service \(request.service ?? "(none)") is not in services"
        }
        if case .userPeer = trust, !policy.lockScreen {
            return "lock_screen = no and the caller is not root"
        }
        if !resetIsLocal(policy: policy, service: service, rhost: request.rhost ?? "") {
            return "a network is involved (service \(service) or PAM_RHOST set) and allow_remote = no"
        }
        if request.flags & PAMResult.silentFlag != 0 { return "PAM_SILENT" }
        return nil
    }
}
