// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Invalidating name-service caches after a shadow change (SPEC 6: "invalidate nscd / sss caches when present").
///
/// Why this is a no-op that says why: nscd caches `passwd`, `group`, `hosts`, `services` and `netgroup`, but it
/// has no `shadow` database, so a changed hash is never served stale by it; sssd's files provider does not
/// serve local shadow hashes either. What changed here (hash, last-change day) lives only in /etc/shadow, which
/// glibc reads directly. So nothing needs flushing, and the module must not fork programs inside login.
/// Guarantee: never runs a program, never touches the host under a sandbox root.
public enum NameServiceCache {
    public enum Outcome: Equatable, Sendable {
        /// Sandboxed: the host's caches are never touched.
        case skippedSandbox
        /// No cache holds shadow data, so there was nothing to invalidate.
        case notNeeded
    }

    public static func invalidateShadow(paths: SystemPaths) -> Outcome {
        paths.isSandboxed ? .skippedSandbox : .notNeeded
    }
}
