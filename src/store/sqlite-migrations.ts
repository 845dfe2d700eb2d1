import type Database from "better-sqlite3";

/**
 * Schema migrations of the SQLite store, applied step by step: migration N brings
 * `PRAGMA user_version` from N-1 to N inside one transaction, so a crash mid-upgrade leaves
 * the previous version intact. Never edit a released step; append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: initial schema. `seq` columns are AUTOINCREMENT, so they only grow and are never
  // reused: listings page by seq (keyset pagination) and stay stable under inserts/deletes.
  `
  CREATE TABLE service_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    folder_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    labels TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_s INTEGER,
    expires_ns INTEGER
  );
  CREATE UNIQUE INDEX service_accounts_folder_name ON service_accounts (folder_id, name);
  CREATE INDEX service_accounts_folder_seq ON service_accounts (folder_id, seq);

  CREATE TABLE api_keys (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    secret_digest TEXT NOT NULL,
    masked_secret TEXT NOT NULL,
    description TEXT NOT NULL,
    scope TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    last_used_at_ms INTEGER,
    expires_s INTEGER,
    expires_ns INTEGER
  );
  CREATE UNIQUE INDEX api_keys_secret_digest ON api_keys (secret_digest);
  CREATE INDEX api_keys_account_seq ON api_keys (service_account_id, seq);

  CREATE TABLE operations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    resource_id TEXT NOT NULL,
    owner_account_id TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    modified_at_ms INTEGER NOT NULL,
    done INTEGER NOT NULL,
    metadata BLOB NOT NULL,
    response BLOB,
    error BLOB,
    due_at_ms INTEGER,
    pending_kind TEXT,
    pending_payload BLOB
  );
  CREATE INDEX operations_resource_seq ON operations (resource_id, seq);
  CREATE INDEX operations_running ON operations (done) WHERE done = 0;

  CREATE TABLE idempotency_records (
    caller TEXT NOT NULL,
    method TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (caller, method, key)
  );
  CREATE INDEX idempotency_records_created ON idempotency_records (created_at_ms);

  CREATE TABLE admin_tokens (
    digest TEXT PRIMARY KEY,
    created_at_ms INTEGER NOT NULL
  );
  `,
  // 2: admin tokens are no longer remembered. Version 1 kept the digest of every token that
  // was ever in <data dir>/admin-token and accepted them all, so a deleted (rotated) token
  // stayed valid; now the accepted set is what the token file and the config hold at start.
  `
  DROP TABLE admin_tokens;
  `,
];

/**
 * Brings the database to the latest schema version. Throws when the file was written by a
 * newer keyform (a downgrade would silently misread it).
 */
export function migrate(db: Database.Database): void {
  const readVersion = () => db.pragma("user_version", { simple: true }) as number;
  const current = readVersion();
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this keyform supports (${MIGRATIONS.length}); upgrade keyform`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const step = MIGRATIONS[version - 1] as string;
    // IMMEDIATE takes the write lock first; re-reading the version inside it means a second
    // process opening the same new file waits and then skips the steps the first one applied.
    db.transaction(() => {
      if (readVersion() >= version) return;
      db.exec(step);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}
