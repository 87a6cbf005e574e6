// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// How a name's registrations stand against the account that holds the name now (SPEC 7: registrations are
/// bound to the account; a recreated or renamed account is not the same person).
public enum AccountBindingState: Equatable, Sendable {
    /// Nothing is bound to the name (no registrations yet).
    case unbound
    /// The registrations were made for the account that holds the name now.
    case matches
    /// The registrations were made for uid `registered`; the name now belongs to uid `current`.
    case changed(registered: UInt32, current: UInt32)
    /// The registrations were made for uid `registered` (nil: before binding, never bound), and no account has
    /// the name now.
    case gone(registered: UInt32?)

    /// True when the registrations may not be used by (or added to for) whoever has the name now.
    public var isMismatch: Bool {
        switch self {
        case .changed, .gone: return true
        case .unbound, .matches: return false
        }
    }
}

/// The `accounts` table: which uid a name's registrations belong to. Bound when the first registration is
/// made; released when the last one is removed; checked before every proof and every registration.
///
/// The uid is the identity kept: it is what the kernel, file ownership and SO_PEERCRED know the account by,
/// and what `userdel` + `useradd` (or a rename and a new account under the old name) change. Nothing more is
/// cheaply available that survives a password change: NSS has no creation time, and the home directory's
/// inode is reused by file systems and may not exist. The one case a uid cannot tell is a new account given
/// the very uid of the deleted one (useradd reuses the highest uid once it is free); `userdel` should be
/// followed by `sspr admin remove NAME`, and `sspr admin check` lists names whose account is gone.
public struct AccountBinding {
    let store: Store

    /// The state of `user`'s registrations against `account` (nil: no account has the name).
    public func state(_ user: String, account: Account?) throws(SSPRError) -> AccountBindingState {
        let rows = try store.query("SELECT uid FROM accounts WHERE user = ?", [.text(user)])
        guard let row = rows.first else { return .unbound }
        let registered = row.first?.integer.flatMap { UInt32(exactly: $0) }
        guard let account else { return .gone(registered: registered) }
        guard let registered else { return .matches }  // from before binding; bound when the store is opened
        return registered == account.uid ? .matches : .changed(registered: registered, current: account.uid)
    }

    /// Inside the caller's transaction and before the registration is written: binds `user`'s registrations
    /// to `uid`. A name whose registrations belong to another uid is refused here once more, under the
    /// store's write lock, so a registration can never slip in between the engine's check and its write; a
    /// name whose old registrations are all gone is bound afresh.
    func bind(_ user: String, uid: UInt32, now: Int64) throws(SSPRError) {
        let rows = try store.query("SELECT uid FROM accounts WHERE user = ?", [.text(user)])
        let registered = rows.first?.first?.integer.flatMap { UInt32(exactly: $0) }
        if let registered, registered == uid { return }
        if let registered, try hasRegistrations(user) {
            throw .notAvailable("the registrations of \(user) were made for uid \(registered), not uid \(uid)")
        }
        _ = try store.run("""
            INSERT INTO accounts (user, uid, bound_at) VALUES (?, ?, ?)
            ON CONFLICT (user) DO UPDATE SET uid = excluded.uid, bound_at = excluded.bound_at
            """, [.text(user), .integer(Int64(uid)), .integer(now)])
    }

    /// True when the name holds a registration of any kind (a method, a question, a code or a pass).
    func hasRegistrations(_ user: String) throws(SSPRError) -> Bool {
        try store.scalarInt("""
            SELECT EXISTS (SELECT 1 FROM methods WHERE user = ?1) OR EXISTS (SELECT 1 FROM questions WHERE user = ?1)
                OR EXISTS (SELECT 1 FROM recovery_codes WHERE user = ?1) OR EXISTS (SELECT 1 FROM passes WHERE user = ?1)
            """, [.text(user)]) != 0
    }

    /// Forgets the binding once the name holds no registration, so the next account of that name starts fresh.
    func releaseIfEmpty(_ user: String) throws(SSPRError) {
        if try !hasRegistrations(user) { _ = try store.run("DELETE FROM accounts WHERE user = ?", [.text(user)]) }
    }

    /// Names with registrations from before binding (schema 1).
    func unboundNames() throws(SSPRError) -> [String] {
        try store.query("SELECT user FROM accounts WHERE uid IS NULL").compactMap { $0.first?.text }
    }

    /// Every name with bound registrations, with its uid (nil: never bound), by name.
    public func all() throws(SSPRError) -> [(user: String, uid: UInt32?)] {
        try store.query("SELECT user, uid FROM accounts ORDER BY user").compactMap { row in
            guard let user = row.first?.text else { return nil }
            return (user, row.count > 1 ? row[1].integer.flatMap { UInt32(exactly: $0) } : nil)
        }
    }
}
