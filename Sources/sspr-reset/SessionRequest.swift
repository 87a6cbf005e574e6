// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRCore
import SSPRResetProtocol
import SSPRSystem

/// `pam_sm_open_session`, in the helper: one information line when the user should register
/// (`require_registration`) or reconfirm (`reconfirm_days`). Started by the module only when the due cache did
/// not rule it out; records the next time anything could be due when there is nothing to say. Never blocks
/// (short store timeout) and never fails the session: every problem just means no reminder.
struct SessionRequest {
    let request: ResetRequest
    let options: HelperOptions
    let conversation: ProtocolConversation

    static var registerLine: String { translated("Set up password reset so you can recover your account: run sspr register") }
    static var reconfirmLine: String { translated("Please confirm your password reset methods are still yours: run sspr confirm") }

    /// Seconds before the session hook asks an unreachable fleet store again for the same user.
    static let unreachableRetry: Int64 = 600

    func run() {
        guard request.flags & PAMResult.silentFlag == 0, options.problems.isEmpty, request.invalidArguments == 0 else { return }
        let paths = options.paths
        let loaded = PolicyLoader.load(path: options.config ?? paths.policy, overrides: options.policyOverrides)
        guard loaded.problems.isEmpty, let user = request.user, isPlausibleUserName(user) else { return }
        let policy = loaded.policy
        let now = SystemClock.now()
        let cache = SessionDueCache(paths: paths)
        var report: UserReport? = nil
        if policy.requireRegistration || policy.reconfirmDays > 0 {
            // No store yet, or a busy one: nothing is known, so nothing is cached either. A fleet store that
            // cannot be reached is asked again only after `unreachableRetry`: a login must not wait for it
            // (store_timeout, libpq's 2 s connect at least) every time while it is down.
            let engine: RecoveryEngine
            do {
                engine = try RecoveryEngine.open(paths: paths, policy: policy, create: false, busyTimeoutMilliseconds: 250,
                                                 storeTimeoutMilliseconds: 1000)
            } catch {
                if case .storeUnreachable = error {
                    try? cache.record(user: user, due: now + SessionRequest.unreachableRetry, arguments: request.arguments)
                }
                return
            }
            if let account = engine.accounts.account(named: user), engine.isEnabled(for: account) {
                guard let found = try? engine.report(user: user) else { return }
                report = found
                var line: String? = nil
                if policy.requireRegistration && !found.meetsPolicy {
                    line = SessionRequest.registerLine
                } else if found.reconfirmDue {
                    line = SessionRequest.reconfirmLine
                }
                if let line {
                    try? conversation.show([line], asError: false)
                    return
                }
            }
        }
        do {
            try cache.record(user: user, due: SessionDueCache.nextCheck(report: report, policy: policy, now: now),
                             arguments: request.arguments)
        } catch {
            conversation.log(.debug, "session reminder cache not written: \(error)")
        }
    }
}
