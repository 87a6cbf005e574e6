import SSPRCore
import SSPRSystem

/// `pam_sm_open_session`: one information line when the user should register (`require_registration`) or
/// reconfirm (`reconfirm_days`). It never blocks (short store timeout) and never fails the session: every
/// problem just means no reminder.
struct SessionReminder {
    let handle: PAMHandle
    let flags: Int32
    let arguments: [String]

    static let registerLine = "Set up password reset so you can recover your account: run sspr register"
    static let reconfirmLine = "Please confirm your password reset methods are still yours: run sspr confirm"

    func run() {
        guard flags & PAMResult.silentFlag == 0, handle.hasConversation else { return }
        let options = ModuleOptions(arguments)
        guard options.problems.isEmpty else { return }
        let loaded = PolicyLoader.load(path: options.config ?? options.paths.policy, overrides: options.policyOverrides)
        guard loaded.problems.isEmpty, let user = handle.item(.user), isPlausibleUserName(user) else { return }
        let policy = loaded.policy
        guard policy.requireRegistration || policy.reconfirmDays > 0 else { return }
        guard let engine = try? RecoveryEngine.open(paths: options.paths, policy: policy, create: false,
                                                    busyTimeoutMilliseconds: 250),
              let account = engine.accounts.account(named: user), engine.isEnabled(for: account),
              let report = try? engine.report(user: user) else { return }
        var line: String? = nil
        if policy.requireRegistration && !report.meetsPolicy {
            line = SessionReminder.registerLine
        } else if report.reconfirmDue {
            line = SessionReminder.reconfirmLine
        }
        if let line { _ = try? handle.converse([PAMMessage(.infoText, line)]) }
    }
}
