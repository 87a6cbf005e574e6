import SSPRCore
import SSPRSystem

/// `pam_sm_authenticate`: runs only after the password failed (the stack jumps over it on success). It offers
/// the reset when the service is allowed, the host is local (or `allow_remote`), the policy enables the user
/// and a conversation exists; otherwise it returns PAM_IGNORE without a word.
struct Authenticate {
    let handle: PAMHandle
    let flags: Int32
    let arguments: [String]
    let invalidArguments: Int

    func run() -> Int32 {
        let options = ModuleOptions(arguments)
        let conversation = PAMResetConversation(handle: handle, debug: options.debug)
        if invalidArguments > 0 || !options.problems.isEmpty {
            for problem in options.problems { handle.log(PAMHandle.logError, "module argument: \(problem); reset not offered") }
            if invalidArguments > 0 { handle.log(PAMHandle.logError, "module argument is not UTF-8; reset not offered") }
            return PAMResult.ignore
        }
        let paths = options.paths
        let loaded = PolicyLoader.load(path: options.config ?? paths.policy, overrides: options.policyOverrides)
        if !loaded.problems.isEmpty {
            for problem in loaded.problems { handle.log(PAMHandle.logError, "\(problem); reset not offered (sspr admin check)") }
            return PAMResult.ignore
        }
        let policy = loaded.policy
        guard let service = handle.item(.service), policy.services.contains(service) else {
            conversation.log(.debug, "service not in the policy's services; not offered")
            return PAMResult.ignore
        }
        let rhost = handle.item(.rhost) ?? ""
        if !policy.allowRemote && !Authenticate.isLocal(rhost) {
            conversation.log(.debug, "remote host and allow_remote = no; not offered")
            return PAMResult.ignore
        }
        if flags & PAMResult.silentFlag != 0 || !handle.hasConversation {
            return PAMResult.ignore
        }
        guard let user = handle.item(.user), isPlausibleUserName(user) else { return PAMResult.ignore }
        switch policy.enabled {
        case .all: break
        case .none: return PAMResult.ignore
        case .group(let name):
            guard let account = AccountDirectory(paths: paths).account(named: user), account.groups.contains(name) else {
                return PAMResult.ignore
            }
        }
        let context = AuditContext(service: service, tty: handle.item(.tty) ?? "", rhost: rhost, actor: user)
        let flow = ResetFlow(paths: paths, policy: policy, context: context) { () throws(SSPRError) in
            try RecoveryEngine.open(paths: paths, policy: policy, create: false)
        }
        do {
            return PAMResultMapping.code(for: try flow.run(user: user, conversation: conversation))
        } catch {
            conversation.log(.debug, "reset ended: \(error)")
            return PAMResultMapping.code(for: error)
        }
    }

    /// No remote host, or one that names this machine's loopback.
    static func isLocal(_ rhost: String) -> Bool {
        rhost.isEmpty || rhost == "localhost" || rhost == "127.0.0.1" || rhost == "::1" || rhost == "localhost.localdomain"
    }
}
