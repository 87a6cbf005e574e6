// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Foundation
import Glibc
import SSPRCore
import SSPRSystem

/// The engine's clock, advanced by the benchmark: each TOTP verification needs a step later than the last.
final class BenchClock: @unchecked Sendable {
    var time: Int64
    init(_ time: Int64) { self.time = time }
}

/// A user enrolled through the engine's API with every method, whose secrets the benchmark keeps.
struct MeasuredUser {
    let name: String
    let totpSecret: SecretBytes
    let answers: [(id: String, text: String)]
}

/// Figure 1 (and the store that figure 3 reuses): a store with `backgroundUsers` users plus a few measured
/// users enrolled through `RecoveryEngine`.
final class EngineFixture {
    let sandbox: Sandbox
    let clock: BenchClock
    let engine: RecoveryEngine
    let catalogue: QuestionCatalogue
    var measured: [MeasuredUser] = []
    let backgroundUsers: Int
    var populateSeconds = 0.0
    var storeBytes: Int64 = 0
    var rowCounts: [(String, Int64)] = []
    var tableBytes: [(String, Int64)] = []

    static let measuredNames = (1...8).map { "bench\($0)" }

    init(repo: String, backgroundUsers: Int) {
        self.backgroundUsers = backgroundUsers
        sandbox = Sandbox.make(repo: repo, label: "engine", extraUsers: EngineFixture.measuredNames, loginDefs: yescryptLoginDefs)
        let start = SystemClock.now()
        clock = BenchClock(start - start % TOTPMethod.step)
        let c = clock
        do {
            engine = try RecoveryEngine.open(paths: sandbox.paths, policy: Policy(), create: true, clock: { c.time })
        } catch {
            fail("cannot open the store: \(error)")
        }
        let loaded = QuestionCatalogue.load(path: sandbox.paths.questions)
        if !loaded.problems.isEmpty { fail("question catalogue: \(loaded.problems)") }
        catalogue = loaded.catalogue
    }

    var storePath: String { sandbox.paths.path(Policy().store) }

    /// The background users (`BackgroundUsers`: one transaction of set-based INSERTs), then the measured
    /// users through the engine's API.
    func populate() {
        progress("populating \(backgroundUsers) background users")
        populateSeconds = BackgroundUsers(count: backgroundUsers, time: clock.time, catalogue: catalogue).write(sqlite: storePath)

        progress("enrolling \(EngineFixture.measuredNames.count) measured users through RecoveryEngine")
        let context = AuditContext.commandLine
        for (i, name) in EngineFixture.measuredNames.enumerated() {
            do {
                let secret = try TOTPMethod.newSecret()
                try engine.enrollTOTP(user: name, secret: secret, context: context)
                let answers = BackgroundUsers.questionIDs.enumerated().map { (j, id) in (id: id, text: "Answer \(i) number \(j)") }
                try engine.enrollQuestions(user: name, answers: answers.map {
                    QuestionsMethod.Answer(questionID: $0.id, answer: SecretBytes(copying: $0.text))
                }, catalogue: catalogue, context: context)
                _ = try engine.generateRecoveryCodes(user: name, context: context)
                measured.append(MeasuredUser(name: name, totpSecret: SecretBytes(secret.bytes), answers: answers))
            } catch {
                fail("enrolling \(name): \(error)")
            }
        }
        measureStore()
    }

    func measureStore() {
        do {
            let db = try SQLiteDatabase(path: storePath, create: false, readOnly: false)
            _ = try db.query("PRAGMA wal_checkpoint(TRUNCATE)")
            for table in ["methods", "questions", "recovery_codes", "audit"] {
                rowCounts.append((table, try db.query("SELECT count(*) FROM \(table)").first?.first?.integer ?? -1))
            }
            // Bytes per table with its indexes (dbstat; Debian's SQLite has it, skipped where it does not).
            if let rows = try? db.query("""
                SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d LEFT JOIN sqlite_master m ON m.name = d.name
                GROUP BY 1 ORDER BY 2 DESC
                """) {
                tableBytes = rows.compactMap { r in r.count == 2 ? r[0].text.flatMap { n in r[1].integer.map { (n, $0) } } : nil }
            }
        } catch {
            fail("store statistics: \(error)")
        }
        var total: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            var st = stat()
            if stat(storePath + suffix, &st) == 0 && suffix != "-shm" { total += Int64(st.st_size) }
        }
        storeBytes = total
    }

    // MARK: Verifications

    /// Advances the clock one step and returns the user's code for it.
    func nextTOTP(_ user: MeasuredUser) -> SecretBytes {
        clock.time += TOTPMethod.step
        guard let code = OATH.totp(secret: user.totpSecret, time: clock.time) else { fail("liboath gave no code") }
        return SecretBytes(copying: code)
    }

    func verifyTOTP(_ user: MeasuredUser, context: AuditContext) -> Double {
        let code = nextTOTP(user)
        var outcome: ProofOutcome = .lockedOut(until: 0)
        let t = timed { outcome = (try? engine.verify(user: user.name, method: .totp, proof: .code(code), context: context)) ?? .lockedOut(until: -1) }
        if outcome != .accepted { fail("TOTP verification of \(user.name) was \(outcome), not accepted") }
        return t
    }

    func verifyQuestions(_ user: MeasuredUser, context: AuditContext) -> Double {
        let proof = Proof.answers(user.answers.map {
            // As a user types them: other case and spacing, so normalisation runs too.
            QuestionsMethod.Answer(questionID: $0.id, answer: SecretBytes(copying: "  " + $0.text.uppercased() + " "))
        })
        var outcome: ProofOutcome = .lockedOut(until: 0)
        let t = timed { outcome = (try? engine.verify(user: user.name, method: .questions, proof: proof, context: context)) ?? .lockedOut(until: -1) }
        if outcome != .accepted { fail("question verification of \(user.name) was \(outcome), not accepted") }
        return t
    }

    /// Fresh codes (untimed), then one redemption with all ten unused: the most hashes a redemption checks.
    func redeemRecoveryCode(_ user: MeasuredUser, context: AuditContext) -> Double {
        let codes: [SecretBytes]
        do { codes = try engine.generateRecoveryCodes(user: user.name, context: context) } catch { fail("generate: \(error)") }
        let pick = Int((try? SecureRandom.uniform(UInt32(codes.count))) ?? 0)
        let typed = SecretBytes(copying: String(decoding: codes[pick].bytes, as: UTF8.self).lowercased())
        var outcome: ProofOutcome = .lockedOut(until: 0)
        let t = timed { outcome = (try? engine.verify(user: user.name, method: .recoveryCode, proof: .code(typed), context: context)) ?? .lockedOut(until: -1) }
        if outcome != .accepted { fail("recovery code of \(user.name) was \(outcome), not accepted") }
        return t
    }

    /// A wrong TOTP code for a background user: the failure path (two transactions, audit, no lockout yet).
    func rejectTOTP(_ index: Int, context: AuditContext) -> Double {
        clock.time += TOTPMethod.step
        let user = String(format: "bg%06d", 1 + (index * 7919) % backgroundUsers)
        var outcome: ProofOutcome = .accepted
        let t = timed { outcome = (try? engine.verify(user: user, method: .totp, proof: .code(SecretBytes(copying: "000000")), context: context)) ?? .accepted }
        if outcome == .accepted { fail("a wrong code for \(user) was accepted") }
        return t
    }
}

func runEngineBench(_ fx: EngineFixture, totpRuns: Int, questionRuns: Int, codeRuns: Int) -> Table {
    let context = AuditContext(service: "login", tty: "tty1", rhost: "", actor: "")
    var table = Table("1. Engine with \(fx.backgroundUsers.formatted()) enrolled users (+\(fx.measured.count) measured) — RecoveryEngine.verify, store transaction included")
    progress("TOTP verification x\(totpRuns)")
    for i in 0..<50 { _ = fx.verifyTOTP(fx.measured[i % fx.measured.count], context: context) }  // warm-up
    var totp = Samples()
    for i in 0..<totpRuns { totp.add(fx.verifyTOTP(fx.measured[i % fx.measured.count], context: context)) }
    table.timing("TOTP verification (accepted)", totp, target: "< 1 ms")

    progress("wrong TOTP codes x\(totpRuns / 4)")
    var rejected = Samples()
    for i in 0..<(totpRuns / 4) { rejected.add(fx.rejectTOTP(i, context: context)) }
    table.timing("TOTP verification (wrong code)", rejected, target: "< 1 ms")

    progress("question-set verification x\(questionRuns)")
    var questions = Samples()
    for i in 0..<questionRuns { questions.add(fx.verifyQuestions(fx.measured[i % fx.measured.count], context: context)) }
    table.timing("question set (3 answers, yescrypt)", questions, target: "report")

    var yescrypt = Samples()
    let answerHash: String
    do { answerHash = try Crypt.hash(SecretBytes(copying: "x y z"), setting: try Crypt.makeSetting(prefix: nil, cost: 0)) } catch { fail("\(error)") }
    for _ in 0..<questionRuns { yescrypt.add(timed { _ = Crypt.verify(SecretBytes(copying: "x y z"), against: answerHash) }) }
    table.timing("  of which: one answer hash (crypt_rn)", yescrypt, target: "report")

    progress("recovery-code redemption x\(codeRuns)")
    var codes = Samples()
    for i in 0..<codeRuns { codes.add(fx.redeemRecoveryCode(fx.measured[i % fx.measured.count], context: context)) }
    table.timing("recovery code (10 unused, $5$ 1000)", codes, target: "report")

    table.value("store on disk", String(format: "%.1f MB", Double(fx.storeBytes) / 1e6), target: "report")
    table.note("store rows: " + fx.rowCounts.map { "\($0.0) \($0.1.formatted())" }.joined(separator: ", ")
               + String(format: "; populated in %.1f s (one transaction); size = db + wal after a TRUNCATE checkpoint (\(fx.storeBytes.formatted()) bytes)", fx.populateSeconds))
    if !fx.tableBytes.isEmpty {
        table.note("store bytes by table (with its indexes): " + fx.tableBytes.prefix(5).map { String(format: "%@ %.1f MB", $0.0, Double($0.1) / 1e6) }.joined(separator: ", ")
                   + String(format: "; %.2f KB per user", Double(fx.storeBytes) / Double(fx.backgroundUsers + fx.measured.count) / 1e3))
    }
    table.note("answer hashing: \(String(answerHash.prefix(7)))… (libcrypt's preferred method, default cost); one question set = 3 hashes + normalisation + 2 store transactions")
    table.note("TOTP: clock advanced 30 s per verification (fresh step each time); wrong codes go to background users (one failure each, no lockout)")
    return table
}
