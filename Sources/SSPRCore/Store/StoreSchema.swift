// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The store's schema (SQLite) as an ordered list of migrations. `PRAGMA user_version` records how many have
/// run; a store newer than this list is refused rather than guessed at. `PostgresStoreSchema` mirrors it.
enum StoreSchema {
    static let migrations: [String] = [
        // 1: registrations, one-time secrets, counters, audit.
        """
        CREATE TABLE methods (
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            created INTEGER NOT NULL,
            confirmed INTEGER NOT NULL,
            secret BLOB,              -- totp: raw key (needed to compute codes; the file is root-only 0600)
            destination TEXT,         -- email / sms: the verified address or number
            last_step INTEGER NOT NULL DEFAULT -1,  -- totp: the last accepted time step
            PRIMARY KEY (user, kind)
        );
        CREATE TABLE questions (
            user TEXT NOT NULL,
            question_id TEXT NOT NULL,
            question_text TEXT NOT NULL,
            answer_hash TEXT NOT NULL,
            PRIMARY KEY (user, question_id)
        );
        CREATE TABLE recovery_codes (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            code_hash TEXT NOT NULL,
            used_at INTEGER
        );
        CREATE INDEX recovery_codes_user ON recovery_codes (user);
        CREATE TABLE passes (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            pass_hash TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            reusable INTEGER NOT NULL,
            used_at INTEGER
        );
        CREATE INDEX passes_user ON passes (user);
        CREATE TABLE sent_codes (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            destination TEXT NOT NULL,
            code_hash TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        );
        CREATE INDEX sent_codes_user ON sent_codes (user, sent_at);
        CREATE TABLE failures (
            user TEXT NOT NULL,
            at INTEGER NOT NULL,
            method TEXT
        );
        CREATE INDEX failures_user ON failures (user, at);
        CREATE TABLE lockouts (
            user TEXT PRIMARY KEY,
            until INTEGER NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            user TEXT NOT NULL,
            event TEXT NOT NULL,
            method TEXT,
            result TEXT,
            service TEXT,
            tty TEXT,
            rhost TEXT,
            actor TEXT,
            detail TEXT
        );
        CREATE INDEX audit_user ON audit (user, at);
        CREATE INDEX audit_at ON audit (at);
        """,
        // 2: registrations bind to an account (SPEC 7). One row per name that has registrations, holding the uid
        // of the account they were made for. A name's registrations are all-or-nothing one account's: a
        // recreated `alice` with another uid must not inherit any of them, so one binding per name (not a uid
        // per row) is what is checked. Rows from before this version get a NULL uid and are bound to the
        // name's current uid the first time an engine opens the store after the upgrade.
        // Password checks (ssprd's Authenticate) are throttled in their own table, apart from the proofs'
        // lockout: wrong recovery codes must not lock a user out of managing their own account.
        """
        CREATE TABLE accounts (
            user TEXT PRIMARY KEY,
            uid INTEGER,
            bound_at INTEGER NOT NULL
        );
        CREATE INDEX accounts_unbound ON accounts (user) WHERE uid IS NULL;
        INSERT INTO accounts (user, uid, bound_at)
            SELECT user, NULL, 0 FROM methods UNION SELECT user, NULL, 0 FROM questions
            UNION SELECT user, NULL, 0 FROM recovery_codes UNION SELECT user, NULL, 0 FROM passes;
        CREATE TABLE password_failures (
            key TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX password_failures_key ON password_failures (key, at);
        """,
        // 3: the notice outbox (issue 11). A notice after a reset or a method change is written in the same
        // transaction that records it and delivered afterwards by a root process (the reset helper, ssprd's
        // delivery thread, `sspr admin outbox --deliver`), retried with backoff until the sender takes it:
        // a caller who kills su at "Your password has been reset." or a sender that is down must not cost the
        // user the notice. A row holds a notice's text only, never a code: codes are useless late and are sent
        // directly. `next_attempt_at` doubles as a lease while a deliverer holds the row, so two deliverers
        // never send one notice twice. `last_error` is the sender's outcome, never the message.
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            recipients TEXT NOT NULL,   -- validated addresses or account names, one per line
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            delivered_at INTEGER
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
        -- A registration code asked for by an ssprd that may not run senders (its unit has no network and a
        -- read-only /var): the request names the address, never a code. The deliverer (sspr-outbox.service,
        -- root, where mail can be sent) makes the code, stores its hash in sent_codes, sends it and writes the
        -- outcome here; ssprd waits for that outcome. A request not taken within seconds expires: a code is
        -- useless late.
        CREATE TABLE code_requests (
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            kind TEXT NOT NULL,
            destination TEXT NOT NULL,
            service TEXT NOT NULL,
            actor TEXT NOT NULL,
            requested_at INTEGER NOT NULL,
            state TEXT NOT NULL,        -- waiting, sending, sent, throttled, failed, expired
            detail TEXT                 -- sent: the masked destination; failed: the sender's outcome
        );
        CREATE INDEX code_requests_waiting ON code_requests (requested_at) WHERE state = 'waiting';
        """,
        // 4: audit rows name the machine they happened on (issue 13): one store can serve a fleet, and an admin
        // reading the audit must see where a reset, a lockout or a wrong proof came from.
        """
        ALTER TABLE audit ADD COLUMN host TEXT;
        """,
        // 5: an attempt being checked is "in flight" (pending = 1) until its check ends: then it is withdrawn
        // (right) or settled as a failure (wrong). Attempts in flight still bound how many proofs are checked
        // at once, but only settled failures start a lockout, so many right proofs checked at the same moment
        // (a fleet's resets) no longer lock the account. Rows from before are settled failures.
        """
        ALTER TABLE failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
        """,
        // 6: who set each method up: the user, root, or the helpdesk member who enrolled it (the acting name).
        // For an account that is an administrator at reset time only the user's and root's count
        // (docs/security.md, "Administrators over time"). '' is a method from before: counted as before.
        """
        ALTER TABLE methods ADD COLUMN set_by TEXT NOT NULL DEFAULT '';
        """,
    ]

    /// Tables every store at `currentVersion` has; a store missing one is damaged.
    static let tables = ["methods", "questions", "recovery_codes", "passes", "failures", "lockouts", "audit", "sent_codes",
                         "accounts", "password_failures", "outbox", "code_requests"]

    static var currentVersion: Int { migrations.count }
}
