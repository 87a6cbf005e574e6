// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import SSPRCore
import SSPRSystem
import Testing

/// The cracklib dictionary behind libpwquality's `dictcheck`: with Debian's stock pwquality.conf and the real
/// dictionary (cracklib-runtime) dictionary words are refused; with a dictionary that cannot be loaded the reset
/// notices before any proof, still applies every other rule, logs it, and `sspr admin check` reports it.
@Suite struct PasswordDictionaryTests {
    static let stockConfiguration = "/etc/security/pwquality.conf"
    static let dictionary = "/var/cache/cracklib/cracklib_dict.pwd"
    static let offer = ResetMessages.offer

    /// Debian's stock file (libpwquality-common) sets nothing: every line is a comment, so dictcheck is on.
    func stockText() throws -> String {
        let text = try String(contentsOfFile: Self.stockConfiguration, encoding: .utf8)
        let settings = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
        try #require(settings.isEmpty, "\(Self.stockConfiguration) is not Debian's stock file: \(settings)")
        return text
    }

    func sandbox(pwquality: String) throws -> Sandbox {
        let sandbox = try Sandbox()
        try pwquality.write(toFile: sandbox.paths.pwquality, atomically: false, encoding: .utf8)
        return sandbox
    }

    func reset(_ sandbox: Sandbox, passwords: [String]) throws -> ScriptedConversation {
        let engine = try sandbox.engine()
        let code = String(decoding: try engine.generateRecoveryCodes(user: "alice", context: .commandLine)[0].bytes, as: UTF8.self)
        let conversation = ScriptedConversation([Self.offer: ["yes"], ResetMessages.recoveryCodePrompt: [code],
                                                 ResetMessages.newPassword: passwords.map { $0 }, ResetMessages.retypePassword: passwords.map { $0 }])
        guard case .completed = try sandbox.resetFlow().run(user: "alice", conversation: conversation) else {
            Issue.record("not completed: \(conversation.transcript)")
            return conversation
        }
        #expect(Crypt.verify(SecretBytes(copying: passwords.last ?? ""), against: try sandbox.shadowHash("alice")))
        return conversation
    }

    @Test func stockConfigurationWithTheRealDictionaryRefusesDictionaryWords() throws {
        try #require(FileManager.default.fileExists(atPath: Self.dictionary),
                     "the cracklib dictionary is missing: apt-get install cracklib-runtime (make deps)")
        let sandbox = try sandbox(pwquality: try stockText())
        let quality = PasswordQuality(configPath: sandbox.paths.pwquality)
        #expect(quality.checksDictionary && quality.dictionaryFailure() == nil)

        let conversation = try reset(sandbox, passwords: ["sunshine99", "Brand-new-Pw-42"])
        #expect(conversation.errors == ["BAD PASSWORD: The password fails the dictionary check - it is based on a dictionary word"])
        #expect(!conversation.logs.contains { $0.contains("dictionary") })
    }

    @Test func aDictionaryThatCannotBeLoadedIsNoticedBeforeAnyProofAndSkipped() throws {
        let sandbox = try sandbox(pwquality: try stockText() + "dictpath = /nonexistent/dict\n")
        let quality = PasswordQuality(configPath: sandbox.paths.pwquality)
        #expect(quality.dictionaryPath == "/nonexistent/dict")
        let failure = try #require(quality.dictionaryFailure())
        #expect(failure.contains("error loading dictionary"))
        // Unrepaired, libpwquality would refuse even a strong password.
        #expect(quality.problem(newPassword: SecretBytes(copying: "Brand-new-Pw-42"), oldPassword: nil, user: "alice") == failure)

        let conversation = try reset(sandbox, passwords: ["Short-1", "Brand-new-Pw-42"])
        #expect(conversation.errors == ["BAD PASSWORD: The password is shorter than 8 characters"], "the other rules still apply")
        let warning = try #require(conversation.transcript.firstIndex { if case .log(let t) = $0 { t.contains("error loading dictionary") } else { false } })
        let firstProof = try #require(conversation.transcript.firstIndex(of: .prompt(ResetMessages.recoveryCodePrompt)))
        #expect(warning < firstProof, "the checker is tested before any proof is asked")
    }

    @Test func dictcheckOffNeedsNoDictionary() throws {
        let sandbox = try sandbox(pwquality: "dictcheck = 0\ndictpath = /nonexistent/dict\n")
        let quality = PasswordQuality(configPath: sandbox.paths.pwquality)
        #expect(!quality.checksDictionary && quality.dictionaryFailure() == nil)
    }

    @Test func adminCheckReportsAMissingDictionaryAsAProblem() throws {
        let sandbox = try sandbox(pwquality: try stockText() + "dictpath = /nonexistent/dict\n")
        _ = try runSSPR(["admin", "enroll", "alice", "recovery-codes", "--root", sandbox.root])
        let check = try runSSPR(["admin", "check", "--root", sandbox.root])
        #expect(check.status == 1)
        #expect(check.stdout.contains("problem: password quality (\(sandbox.paths.pwquality)): dictcheck is on, but the cracklib dictionary /nonexistent/dict cannot be used"), "\(check.stdout)")
        try stockText().write(toFile: sandbox.paths.pwquality, atomically: false, encoding: .utf8)
        let clean = try runSSPR(["admin", "check", "--root", sandbox.root])
        #expect(clean.status == 0 && clean.stdout.contains("ok: password quality \(sandbox.paths.pwquality) (dictionary check works)"), "\(clean.stdout)")
    }
}
