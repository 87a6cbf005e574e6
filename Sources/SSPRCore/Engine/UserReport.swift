// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// What `sspr admin report` and `sspr status` show for one user.
public struct UserReport: Equatable, Sendable {
    public let user: String
    public let methods: [MethodKind]
    /// The oldest confirmation among the user's methods (epoch seconds), 0 when none.
    public let lastConfirmed: Int64
    public let recoveryCodesLeft: Int
    public let reconfirmDue: Bool
    public let lockedUntil: Int64?
    public let recentFailures: Int
    public let meetsPolicy: Bool
    /// Member of `admin_groups` (two gates, no questions).
    public let isAdmin: Bool
    /// Whether the registrations belong to the account that has the name now (a mismatch is flagged).
    public let account: AccountBindingState
}
