// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Whether a login attempt involves no network, so that `allow_remote = no` may offer the reset (SPEC 3).
///
/// `allow_remote = no` means "only where no network is involved", and PAM_RHOST cannot tell that: sshd sets it
/// to 127.0.0.1 (or "localhost", from reverse DNS) for a connection that was forwarded through this machine
/// from anywhere, and a service may leave it empty for a remote peer. So the service decides first: one in
/// `remote_services` (default `sshd`) is never local. Then any PAM_RHOST at all, even a loopback name, means a
/// network was involved: local consoles, display managers and screen lockers set none.
///
/// With `allow_remote = yes` every service and host may be offered the reset (the `services` list still
/// applies; this function does not look at it).
public func resetIsLocal(policy: Policy, service: String, rhost: String) -> Bool {
    if policy.allowRemote { return true }
    if policy.remoteServices.contains(service) { return false }
    return rhost.isEmpty
}
