import Foundation
import Glibc
import SSPRCore
import SSPRSystem

/// Figure 3: one reset, step by step, as ResetFlow + PasswordChange.commit (= ShadowPasswordChange.apply) do it,
/// on the engine's sandbox (100k-user store, fixture-sized /etc/shadow, login.defs ENCRYPT_METHOD YESCRYPT).
func runResetBench(_ fx: EngineFixture, runs: Int) -> Table {
    let paths = fx.sandbox.paths
    let user = fx.measured[0]
    let uid: UInt32 = 20001
    let context = AuditContext(service: "login", tty: "tty1", rhost: "", actor: user.name)
    let writer = ShadowWriter(paths: paths)
    var current = placeholderHash
    var verify = Samples(), hashing = Samples(), write = Samples(), followUps = Samples(), total = Samples()
    var methodName = ""
    progress("reset split x\(runs)")
    for i in 0..<(runs + 3) {
        let password = SecretBytes(copying: "Correct-horse-\(i)-battery")
        // 1. Verification: one TOTP proof through the engine (the policy's default: one method).
        let tVerify = fx.verifyTOTP(user, context: context)
        // 2. Hashing, as ShadowPasswordChange.apply: PAM stack and login.defs read, then PasswordHasher (hash + crypt_rn check).
        var newHash = ""
        let tHash = timed {
            do {
                let method = try HashMethod.forNewPassword(paths: paths)
                methodName = "\(method.name) \(method.prefix ?? "(libcrypt's choice)")"
                newHash = try PasswordHasher.hash(password, method: method)
            } catch {
                fail("hashing: \(error)")
            }
        }
        // 3. The shadow write: both locks, re-read, temp file + fsync, shadow- backup + fsync, rename, dir fsync.
        var previous = ""
        let tWrite = timed {
            do {
                previous = try writer.replaceHash(user: user.name, expectedCurrentHash: current, newHash: newHash,
                                                  today: ShadowDay.today()).previousHash
            } catch {
                fail("replaceHash: \(error)")
            }
        }
        current = newHash
        // 4. Follow-ups: caches, opasswd (remember 5), faillock tally, then the engine's resetCompleted.
        let tFollow = timed {
            _ = NameServiceCache.invalidateShadow(paths: paths)
            _ = try? PasswordHistory(paths: paths, remember: 5).record(user: user.name, uid: uid, oldHash: previous)
            _ = try? FaillockTally.reset(user: user.name, paths: paths)
            do { try fx.engine.resetCompleted(user: user.name, methods: [.totp], context: context) } catch { fail("resetCompleted: \(error)") }
        }
        if i < 3 { continue }  // warm-up
        verify.add(tVerify); hashing.add(tHash); write.add(tWrite); followUps.add(tFollow)
        total.add(tVerify + tHash + tWrite + tFollow)
    }
    var sha = Samples()
    let sha512 = HashMethod(name: "SHA512", prefix: "$6$", cost: 0)
    for i in 0..<runs {
        let password = SecretBytes(copying: "Correct-horse-\(i)-battery")
        sha.add(timed { _ = try? PasswordHasher.hash(password, method: sha512) })
    }

    var table = Table("3. One reset, split (engine + PasswordHasher + ShadowWriter on a sandbox; fixture-sized shadow)")
    table.timing("verification (1 TOTP proof)", verify, target: "< 1 ms")
    table.timing("hashing (\(methodName), hash + verify)", hashing, target: "report")
    table.timing("shadow write (ShadowWriter.replaceHash)", write, target: "report")
    table.timing("follow-ups (opasswd, faillock, audit)", followUps, target: "report")
    table.timing("total of one reset", total, target: "report")
    table.timing("  for comparison: hashing with SHA512 $6$", sha, target: "report")
    table.note("login.defs in the sandbox: ENCRYPT_METHOD YESCRYPT, no cost factor (libcrypt default); PasswordHasher hashes and then verifies, so hashing ≈ 2 crypt calls")
    table.note("the shadow write fsyncs three times (new file, shadow- backup, directory): its time is mostly the disk's")
    table.note("a question-set proof instead of TOTP costs the 'question set' figure of block 1")
    return table
}
