// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// Which methods a user may use at each gate of a reset (SPEC sections 3-4): one gate, or two for
/// `methods_required = 2` and for members of `admin_groups` (who may not use questions). Two gates are two
/// different methods; a temporary access pass satisfies every gate.
public struct ResetPlan: Equatable, Sendable {
    public let gates: Int
    /// Usable methods, in menu order.
    public let methods: [MethodKind]

    /// The methods offered at a gate, given those already used.
    public func choices(after used: [MethodKind]) -> [MethodKind] {
        methods.filter { !used.contains($0) }
    }

    /// True when the methods proved so far complete the reset.
    public func isSatisfied(by used: [MethodKind]) -> Bool {
        used.contains(.tap) || Set(used).count >= gates
    }

    /// The plan for a user with `registered` methods, or nil when they cannot reset.
    static func make(policy: Policy, registered: [MethodKind], isAdmin: Bool) -> ResetPlan? {
        let gates = isAdmin ? 2 : policy.methodsRequired
        let usable = registered.filter { policy.allows($0) && !(isAdmin && $0 == .questions) }.sorted()
        if usable.contains(.tap) || usable.count >= gates {
            return ResetPlan(gates: gates, methods: usable)
        }
        return nil
    }
}
