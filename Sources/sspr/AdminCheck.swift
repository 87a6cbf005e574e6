// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import ArgumentParser
import SSPRCore
import SSPRSystem

struct AdminCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Policy, questions, store permissions, PAM stack, daemon: what is wrong and where.",
        discussion: """
            Exit 0 when nothing is wrong, 1 when something is (warnings alone do not fail). A method in `methods`
            whose sender is missing (email: mail_command, sms: sms_command) is a problem; --send-test sends a
            real test message through the sender (an e-mail address or a +number) and fails when it fails.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("send-test"),
            help: ArgumentHelp("Send a test message to this e-mail address or phone number.", valueName: "ADDRESS"))
    var sendTest: String?

    func run() throws {
        try global.requireRoot()
        let paths = global.paths
        var problems = 0
        func problem(_ s: String) { print("problem: \(s)"); problems += 1 }
        func warning(_ s: String) { print("warning: \(s)") }
        func ok(_ s: String) { print("ok: \(s)") }

        let policyPath = global.config ?? paths.policy
        let (policy, policyProblems) = global.loadPolicy(quiet: true)
        if policyProblems.isEmpty { ok("policy \(policyPath)") }
        for p in policyProblems { problem("\(p)") }

        if policy.allows(.questions) {
            let (catalogue, questionProblems) = QuestionCatalogue.load(path: paths.questions)
            for p in questionProblems { problem("\(p)") }
            if catalogue.questions.count < policy.questionsToRegister {
                problem("\(paths.questions) has \(catalogue.questions.count) questions; questions_to_register is \(policy.questionsToRegister)")
            } else if questionProblems.isEmpty {
                ok("questions \(paths.questions) (\(catalogue.questions.count))")
            }
        }

        let accounts = AccountDirectory(paths: paths)
        let existingAdminGroups = policy.adminGroups.filter { accounts.groupExists($0) }
        if !policy.adminGroups.isEmpty && existingAdminGroups.isEmpty {
            warning("none of admin_groups (\(policy.adminGroups.joined(separator: ","))) exists here")
        }
        if case .group(let name) = policy.enabled, !accounts.groupExists(name) {
            problem("enabled = group:\(name), but there is no group \(name): nobody can reset")
        }

        do {
            let engine = try RecoveryEngine.open(paths: paths, policy: policy, create: false)
            let users = try engine.reportAll()
            ok("store \(engine.store.path) (\(users.count) users with registrations or counters)")
            ok("store engine: \(try engine.store.summary())")
            // Registrations whose account is gone or was recreated: nobody can use them (refused, audited).
            // A recreated account cannot register until they are removed, so that is a problem; leftovers of
            // a deleted account are only a warning.
            for (user, state) in try engine.mismatchedRegistrations() {
                let line = "registrations of \(user) \(RecoveryEngine.mismatchReason(state)): sspr admin remove \(user)"
                if case .gone = state { warning(line) } else { problem(line) }
            }
            // Accounts that became administrators after a helpdesk member enrolled them: those methods no longer
            // count at their reset (docs/security.md), so they may be left with fewer than two that do.
            for (user, methods) in try engine.adminsWithHelpdeskMethods() {
                let list = methods.map { "\($0.method.rawValue) by \($0.setBy)" }.joined(separator: ", ")
                warning("administrator \(user) has methods a helpdesk member set up, which do not count at their reset: "
                        + "\(list) (let \(user) register their own, or enrol as root)")
            }
            // Notices wait only while no deliverer can send them (sender broken, ssprd and the timer not running).
            let backlog = try engine.outbox.backlog()
            if let oldest = backlog.oldestCreatedAt, engine.now - oldest > 3_600 {
                warning("\(backlog.waiting) notice\(backlog.waiting == 1 ? "" : "s") waiting to be sent, the oldest since "
                        + "\(SystemClock.localTime(oldest)): check mail_command and sspr-outbox.timer (sspr admin outbox)")
            } else if backlog.waiting > 0 {
                ok("outbox: \(backlog.waiting) notice\(backlog.waiting == 1 ? "" : "s") waiting, none over an hour")
            }
        } catch {
            problem("\(error)")
        }

        checkPasswordQuality(paths: paths, problem: problem, ok: ok)
        checkPasswordStore(policy: policy, paths: paths, problem: problem, ok: ok)
        SenderCheck(policy: policy, paths: paths).run(sendTestTo: sendTest, problem: problem, warning: warning, ok: ok)
        checkPAMStack(paths: paths, policy: policy, warning: warning, ok: ok)

        if let status = try? FileSystem.status(global.socket ?? paths.socket), status.kind == .socket {
            ok("daemon socket \(global.socket ?? paths.socket)")
        } else {
            warning("daemon socket \(global.socket ?? paths.socket) is absent: users cannot register themselves (ssprd)")
        }

        if problems > 0 { throw ExitCode(1) }
    }

    /// With dictcheck on and no cracklib dictionary, libpwquality refuses every password. Resets then skip
    /// the dictionary check (and log it), so this is the place an admin hears of it.
    private func checkPasswordQuality(paths: SystemPaths, problem: (String) -> Void, ok: (String) -> Void) {
        let quality = PasswordQuality(configPath: paths.pwquality)
        if let failure = quality.dictionaryFailure() {
            problem("password quality (\(paths.pwquality)): dictcheck is on, but the cracklib dictionary "
                    + "\(quality.dictionaryPath ?? "(default path)") cannot be used: \(failure). Install cracklib-runtime "
                    + "(or fix dictpath); until then resets check every other rule but not the dictionary")
        } else {
            ok("password quality \(paths.pwquality)" + (quality.checksDictionary ? " (dictionary check works)" : " (dictcheck off)"))
        }
    }

    private func checkPAMStack(paths: SystemPaths, policy: Policy, warning: (String) -> Void, ok: (String) -> Void) {
        let commonAuth = paths.path("/etc/pam.d/common-auth")
        var files = [commonAuth]
        for service in policy.services { files.append(paths.path("/etc/pam.d/\(service)")) }
        var found: [String] = []
        for file in files {
            guard let text = try? FileSystem.readText(file, limit: 1 << 20) else { continue }
            let lines = text.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
            let sspr = lines.firstIndex { l in l.count >= 3 && l[0] == "auth" && l.contains { $0.hasSuffix("pam_sspr.so") } }
            let unix = lines.firstIndex { l in l.count >= 3 && l[0] == "auth" && l.contains { $0.hasSuffix("pam_unix.so") } }
            if let sspr {
                found.append(file)
                if let unix, unix > sspr { warning("\(file): pam_sspr.so comes before pam_unix.so; it must follow it") }
            }
        }
        if found.isEmpty {
            warning("pam_sspr.so is in no auth stack (\(commonAuth) or the policy's services): the reset is never offered")
        } else {
            ok("PAM stack: pam_sspr.so in \(found.joined(separator: ", "))")
        }
    }
}
