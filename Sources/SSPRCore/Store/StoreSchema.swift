/// The store's schema as an ordered list of migrations. `PRAGMA user_version` records how many have run; a
/// store newer than this list is refused rather than guessed at.
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
    ]

    static var currentVersion: Int { migrations.count }
}
