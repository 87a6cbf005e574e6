// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRShim

/// The reset helper's own identity (SPEC 2): every uid and gid root, root's groups, cwd /, umask 077, no core
/// dumps and not ptrace-able by anyone but root. pam_sspr.so sets most of this between fork and exec already;
/// a helper started for the reset socket gets it here too, so no path to the helper depends on its starter.
public enum HelperIdentity {
    public static var isRoot: Bool { geteuid() == 0 }

    public static func settle() {
        _ = sspr_become_root()
        _ = chdir("/")
        _ = umask(0o077)
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        sspr_not_dumpable()
        sspr_ignore_hangup_and_pipe()
    }
}
