// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc

/// Whether sudo grants an account any rule, as `sudo -l -U NAME` lists them: a per-user sudoers line makes an
/// administrator as surely as membership of the sudo group does (docs/security.md, "Administrators over time").
/// sudo answers from its own policy (sudoers, LDAP, sssd), so nothing here parses sudoers. A sudo that is not
/// installed grants nothing; one that cannot be run or does not answer in time counts as granting (fail closed:
/// the account gets the administrators' two gates).
public enum SudoRules {
    public static let sudo = "/usr/bin/sudo"
    public static let timeoutMilliseconds = 5_000

    /// True when sudo lists at least one rule for `user`.
    public static func grantsAnything(to user: String) -> Bool {
        guard access(sudo, X_OK) == 0 else { return false }
        let (outcome, output) = CommandRunner.output([sudo, "-n", "-l", "-U", user], timeoutMilliseconds: timeoutMilliseconds)
        switch outcome {
        case .timedOut, .couldNotStart: return true
        case .exited, .signalled: break
        }
        // "User NAME may run the following commands on HOST:" precedes the rules; without rules sudo says "User
        // NAME is not allowed to run sudo on HOST." (LANG=C.UTF-8: the English words). An unknown user: neither.
        let marker = Array(" may run the following commands".utf8)
        guard output.count >= marker.count else { return false }
        return (0...(output.count - marker.count)).contains { output[$0..<($0 + marker.count)].elementsEqual(marker) }
    }
}
