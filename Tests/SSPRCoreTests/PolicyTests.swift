// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import Testing

@Suite struct PolicyTests {
    @Test func defaultsMatchTheSpec() {
        let r = PolicyLoader.parse("", source: "t")
        #expect(r.problems.isEmpty)
        let p = r.policy
        #expect(p.enabled == .all)
        // E-mail and SMS are opt-in (issue 12): they need a sender this machine may not have.
        #expect(p.methods == [.totp, .questions, .recoveryCode, .tap])
        #expect(!PolicyLoader.parse("methods = totp,sms\n", source: "t").policy.allows(.sms), "no sms_command, no sms")
        #expect(PolicyLoader.parse("methods = totp,sms\nsms_command = /bin/true {number}\n", source: "t").policy.allows(.sms))
        #expect(p.methodsRequired == 1)
        #expect(p.adminGroups == ["sudo", "wheel", "admin", "docker", "lxd", "disk", "libvirt"])
        #expect(p.questionsToRegister == 3 && p.questionsToReset == 3)
        #expect(p.reconfirmDays == 180)
        #expect(p.services == ["login", "gdm-password", "lightdm", "sddm", "xdm", "sshd", "kde", "xscreensaver", "swaylock",
                               "i3lock", "xfce4-screensaver", "mate-screensaver", "cinnamon-screensaver", "hyprlock"])
        #expect(p.lockScreen)
        #expect(!p.allowRemote && p.onSuccess == .login)
        #expect(p.maxFailures == 5 && p.failureWindow == 86400 && p.lockout == 86400)
        #expect(p.codeTTL == 300 && p.maxCodes == 5 && p.remember == 5)
        #expect(p.mailCommand == "/usr/sbin/sendmail -t -i" && p.smsCommand == nil)
        #expect(p.adminMail == "root" && p.helpdesk == nil && p.store == "/var/lib/sspr/sspr.db")
    }

    @Test func everyKeyIsParsed() {
        let text = """
            # comment
            enabled = group:lab
            methods = totp, recovery_code,tap
            methods_required = 2
            admin_groups = wheel
            questions_to_register = 5
            questions_to_reset = 2
            require_registration = yes
            reconfirm_days = 0
            services = login, sshd
            allow_remote = true
            on_success = relogin
            max_failures = 3
            failure_window = 1h
            lockout = 30m
            code_ttl = 2m
            max_codes = 9
            remember = 0
            mail_command = /usr/bin/msmtp -t
            sms_command = /usr/local/bin/sms {number}
            notify_user = no
            notify_admins = off
            admin_mail = security@example.com
            helpdesk = Call 555-0100, room 12
            store = /srv/sspr/db.sqlite
            """
        let r = PolicyLoader.parse(text, source: "t")
        #expect(r.problems.isEmpty, "\(r.problems)")
        let p = r.policy
        #expect(p.enabled == .group("lab"))
        #expect(p.methods == [.totp, .recoveryCode, .tap])
        #expect(p.methodsRequired == 2 && p.adminGroups == ["wheel"])
        #expect(p.questionsToRegister == 5 && p.questionsToReset == 2 && p.requireRegistration && p.reconfirmDays == 0)
        #expect(p.services == ["login", "sshd"] && p.allowRemote && p.onSuccess == .relogin)
        #expect(p.maxFailures == 3 && p.failureWindow == 3600 && p.lockout == 1800 && p.codeTTL == 120)
        #expect(p.maxCodes == 9 && p.remember == 0 && p.mailCommand == "/usr/bin/msmtp -t")
        #expect(p.smsCommand == "/usr/local/bin/sms {number}" && !p.notifyUser && !p.notifyAdmins)
        #expect(p.adminMail == "security@example.com" && p.helpdesk == "Call 555-0100, room 12" && p.store == "/srv/sspr/db.sqlite")
    }

    @Test func everyBadLineIsReportedWithItsNumber() {
        let text = """
            enabled = some
            methods = totp,carrier-pigeon

            this line has no equals sign
            methods_required = 3
            questions_to_register = 2
            failure_window = forever
            unknown_key = 1
            enabled = all
            store = relative/path
            sms_command = /bin/sms
            """
        let r = PolicyLoader.parse(text, source: "/etc/security/sspr.conf")
        let lines = r.problems.compactMap(\.line)
        #expect(lines == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11])
        #expect(r.problems[0].description.hasPrefix("/etc/security/sspr.conf:1: enabled:"))
        #expect(r.problems.contains { $0.message.contains("carrier-pigeon") })
        #expect(r.problems.contains { $0.message.contains("unknown key \"unknown_key\"") })
        #expect(r.problems.contains { $0.message.contains("already set on line 1") })
        // Bad values leave the defaults in place.
        #expect(r.policy.methodsRequired == 1 && r.policy.enabled == .all)
    }

    @Test func moduleArgumentsOverrideTheFile() {
        let r = PolicyLoader.parse("max_failures = 3\n", source: "t", overrides: [("max_failures", "7"), ("allow_remote", "yes")])
        #expect(r.problems.isEmpty)
        #expect(r.policy.maxFailures == 7 && r.policy.allowRemote)
        let bad = PolicyLoader.parse("", source: "t", overrides: [("max_failures", "zero")])
        #expect(bad.problems.count == 1 && bad.problems[0].source == "module argument max_failures" && bad.problems[0].line == nil)
    }

    @Test func crossChecksAreReported() {
        let r = PolicyLoader.parse("questions_to_register = 3\nquestions_to_reset = 4\n", source: "t")
        #expect(r.problems.contains { $0.message.contains("more than questions_to_register") })
        let two = PolicyLoader.parse("methods = totp,tap\nmethods_required = 2\n", source: "t")
        #expect(two.problems.contains { $0.message.contains("two methods") })
    }

    @Test func controlCharactersInValuesAreRefused() {
        let r = PolicyLoader.parse("helpdesk = call\u{1b}[2J us\n", source: "t")
        #expect(r.problems.count == 1 && r.policy.helpdesk == nil)
    }

    @Test func durations() {
        #expect(Duration.parseSeconds("90") == 90)
        #expect(Duration.parseSeconds("5m") == 300)
        #expect(Duration.parseSeconds("24h") == 86400)
        #expect(Duration.parseSeconds("2d") == 172800)
        #expect(Duration.parseSeconds("1w") == 604800)
        for bad in ["", "h", "-5m", "5 m", "1.5h", "99999999999h", "5x"] { #expect(Duration.parseSeconds(bad) == nil, "\(bad)") }
    }

    @Test func unsafePolicyFileIsRefused() throws {
        let sandbox = try Sandbox(policy: "max_failures = 2\n")
        #expect(PolicyLoader.load(path: sandbox.paths.policy).policy.maxFailures == 2)
        chmod(sandbox.paths.policy, 0o666)
        let r = PolicyLoader.load(path: sandbox.paths.policy)
        #expect(r.problems.first?.message.contains("not writable by group or others") == true)
        #expect(r.policy.maxFailures == 5)
        let missing = PolicyLoader.load(path: sandbox.root + "/nope.conf")
        #expect(missing.problems.isEmpty)
    }

    @Test func shippedPolicyFileIsTheDefaults() throws {
        let text = try String(contentsOf: Sandbox.repository.appendingPathComponent("config/sspr.conf"), encoding: .utf8)
        let r = PolicyLoader.parse(text, source: "config/sspr.conf")
        #expect(r.problems.isEmpty && r.policy == Policy())
        // Every commented key is a real key with a valid value.
        let uncommented = text.split(separator: "\n").filter { $0.hasPrefix("#") && $0.contains(" = ") && !$0.hasPrefix("# ") }
            .map { String($0.dropFirst()) }.joined(separator: "\n")
        let all = PolicyLoader.parse(uncommented, source: "uncommented")
        #expect(all.problems.isEmpty, "\(all.problems)")
        #expect(Set(uncommented.split(separator: "\n").map { String($0.split(separator: " ")[0]) }) == Set(PolicyLoader.knownKeys))
    }

    @Test func defaultQuestionCatalogueIsGood() throws {
        let sandbox = try Sandbox()
        let (catalogue, problems) = QuestionCatalogue.load(path: sandbox.paths.questions)
        #expect(problems.isEmpty)
        #expect(catalogue.questions.count >= 20)
    }

    @Test func badCatalogueLinesAreNumbered() {
        let (catalogue, problems) = QuestionCatalogue.parse("""
            good-one: What is a good question?
            Bad Id: text here
            no colon here
            good-one: duplicate id here
            short: ab
            """, source: "q")
        #expect(catalogue.questions.map(\.id) == ["good-one"])
        #expect(problems.compactMap(\.line) == [2, 3, 4, 5])
    }
}
