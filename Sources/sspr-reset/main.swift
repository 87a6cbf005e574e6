// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
import Glibc
import SSPRSystem

// sspr-reset: the reset engine in its own root process (SPEC 2). pam_sspr.so starts it with a clean identity;
// the reset socket's server starts it with `--peer`. Not for people: run by hand it finds no socket and exits.

Syslog.claimIdentity("pam_sspr")
MemoryHygiene.scrubFreedMemory()

var peerMode = false
var root: String? = nil
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--peer": peerMode = true
    case "--root":
        guard let value = arguments.next(), HelperOptions.isPlainAbsolute(value) else {
            Syslog.write(.error, "--root needs an absolute path without \"..\"")
            exit(2)
        }
        root = value
    default:
        Syslog.write(.error, "unknown argument; usage: sspr-reset [--peer [--root DIR]]")
        exit(2)
    }
}
guard HelperIdentity.isRoot else {
    Syslog.write(.error, "sspr-reset must run as root; nothing done")
    exit(1)
}
HelperIdentity.settle()
exit(ResetHelper(peerMode: peerMode, root: root).run())
