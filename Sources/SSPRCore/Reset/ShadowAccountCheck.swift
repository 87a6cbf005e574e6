// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import SSPRSystem

/// Whether the account's /etc/shadow entry allows a reset: it must exist with a password hash that is not
/// admin-locked, not "no password", and the account must not be expired. An expired *password* is allowed:
/// that is what a reset is for.
public enum ShadowAccountCheck {
    public struct Result: Equatable, Sendable {
        public let hash: String
        public let uid: UInt32
        public let state: ShadowAccountState
    }

    public static func check(user: String, paths: SystemPaths) throws(SSPRError) -> Result {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(paths.shadow) } catch {
            throw .notAvailable("cannot read \(paths.shadow): \(error)")
        }
        guard let (_, entry) = ShadowFile(bytes: bytes).entry(named: user) else {
            throw .notAvailable("no entry in \(paths.shadow)")
        }
        let state = entry.state(today: ShadowDay.today())
        guard state.allowsReset else { throw .notAvailable("account state \(state)") }
        guard let account = AccountDirectory(paths: paths).account(named: user) else {
            throw .notAvailable("no passwd entry")
        }
        return Result(hash: entry.hash, uid: account.uid, state: state)
    }
}
