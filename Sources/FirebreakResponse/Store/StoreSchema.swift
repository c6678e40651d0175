/// The store's tables, versioned with `PRAGMA user_version`.
///
/// Migrations are listed in order; `migrations[n]` brings a database from version `n` to `n + 1`. A
/// database newer than this build is refused rather than guessed at. Times are integer milliseconds
/// since the epoch (UTC); lists and option maps are JSON text.
enum StoreSchema {
    static let migrations: [String] = [
        // 1: deliveries, findings, the action outbox.
        """
        CREATE TABLE deliveries (
            request_id  TEXT PRIMARY KEY NOT NULL,
            received_at INTEGER NOT NULL,
            records     INTEGER NOT NULL,
            events      INTEGER NOT NULL,
            findings    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE findings (
            id               TEXT PRIMARY KEY NOT NULL,
            rule_id          TEXT NOT NULL,
            title            TEXT NOT NULL,
            level            TEXT NOT NULL,
            time_ms          INTEGER NOT NULL,
            resource_type    TEXT NOT NULL,
            resource_id      TEXT NOT NULL,
            json             TEXT NOT NULL,
            first_request_id TEXT NOT NULL REFERENCES deliveries(request_id),
            created_at       INTEGER NOT NULL
        );
        CREATE INDEX findings_by_time ON findings(time_ms);
        CREATE INDEX findings_by_rule ON findings(rule_id, time_ms);
        CREATE INDEX findings_by_level ON findings(level, time_ms);

        CREATE TABLE actions (
            id              TEXT PRIMARY KEY NOT NULL,
            finding_id      TEXT NOT NULL REFERENCES findings(id),
            rule_id         TEXT NOT NULL,
            playbook        TEXT NOT NULL,
            sequence        INTEGER NOT NULL,
            step            TEXT NOT NULL,
            options_json    TEXT NOT NULL,
            resource_type   TEXT NOT NULL,
            resource_id     TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            state           TEXT NOT NULL
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped', 'held')),
            reason          TEXT,
            payload         TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            aws_request_ids TEXT NOT NULL DEFAULT '[]',
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            not_before      INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX actions_claimable ON actions(state, not_before);
        CREATE INDEX actions_by_plan ON actions(finding_id, playbook, sequence);
        CREATE INDEX actions_by_key ON actions(idempotency_key, created_at);
        CREATE INDEX actions_by_step ON actions(step, state, updated_at);
        """,
        // 2: one row that `health()` rewrites to find out whether the store can write again.
        """
        CREATE TABLE health_probe (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            checked_at INTEGER NOT NULL
        );
        """,
        // 3: a claimed (`running`) action's lease: past it, another executor (or this one) takes it over.
        """
        ALTER TABLE actions ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX actions_by_lease ON actions(state, lease_until);
        """,
        // 4: what a finished action created (snapshot ids, a quarantine group, an SNS message id), for alerts and
        // `/findings`.
        """
        ALTER TABLE actions ADD COLUMN created_ids TEXT NOT NULL DEFAULT '[]';
        """,
        // 5: retention. The pruner removes findings oldest first and deliveries by age; a delivery is removed only
        // once no finding names it as `first_request_id` (the foreign key stays, so a finding never points at a
        // missing delivery), and that check, like the one SQLite makes on every delete, needs an index.
        """
        CREATE INDEX findings_by_created ON findings(created_at, id);
        CREATE INDEX findings_by_request ON findings(first_request_id);
        CREATE INDEX deliveries_by_time ON deliveries(received_at);
        """,
        // 6: a finding merges the repeated matches of its rule on one dedup key in one window: how many, first and
        // last seen, a few sample events (JSON array), and when its window ends (for summary alerts).
        """
        ALTER TABLE findings ADD COLUMN match_count INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE findings ADD COLUMN first_seen_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE findings ADD COLUMN last_seen_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE findings ADD COLUMN samples TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE findings ADD COLUMN window_end_ms INTEGER;
        UPDATE findings SET first_seen_ms = time_ms, last_seen_ms = time_ms;
        CREATE INDEX findings_by_window_end ON findings(window_end_ms) WHERE window_end_ms IS NOT NULL AND match_count > 1;
        """,
        // 7: an alert that asks for a summary (`alert: {summary: true}`) says so in a column, cleared once its summary
        // is planned or its window closed with one match: the executor's pass looks only at those (indexed), not at
        // every alert of every closed window.
        """
        ALTER TABLE actions ADD COLUMN wants_summary INTEGER NOT NULL DEFAULT 0;
        UPDATE actions SET wants_summary = 1
          WHERE step = 'alert' AND payload LIKE '%"summary":true%'
            AND NOT EXISTS (SELECT 1 FROM actions s WHERE s.id = actions.id || '-summary');
        CREATE INDEX actions_wanting_summary ON actions(finding_id) WHERE wants_summary = 1;
        """,
    ]

    static var currentVersion: Int { migrations.count }

    /// Brings the database to `currentVersion`, each step in its own transaction.
    static func migrate(_ connection: SQLiteConnection) throws(StoreError) {
        let found = Int(try connection.scalar("PRAGMA user_version", operation: "read the schema version"))
        guard found <= currentVersion else {
            throw .unsupportedSchema(path: connection.path, found: found, supported: currentVersion)
        }
        for version in found..<currentVersion {
            try connection.transaction("migrate the schema to version \(version + 1)") { () throws(StoreError) in
                try connection.execute(script: migrations[version], operation: "create schema version \(version + 1)")
                try connection.execute(script: "PRAGMA user_version = \(version + 1)",
                                       operation: "record schema version \(version + 1)")
            }
        }
    }
}
