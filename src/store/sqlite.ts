import Database from "better-sqlite3";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ApiError, Code } from "../api-error.js";
import { migrate } from "./sqlite-migrations.js";
import { sqliteErrorToApiError, storeErrorOf } from "./sqlite-errors.js";
import { createGroupCommitter, type GroupCommitter } from "./sqlite-group-commit.js";
import {
  apiKeyFromRow,
  operationFromRow,
  serviceAccountFromRow,
  type ApiKeyRow,
  type OperationRow,
  type ServiceAccountRow,
} from "./sqlite-rows.js";
import {
  IdempotencyConflictError,
  type ApiKeyRecord,
  type CommitResult,
  type IdempotencyRecord,
  type Mutation,
  type MutationResult,
  type OperationRecord,
  type Page,
  type PageQuery,
  type ServiceAccountRecord,
  type Store,
  type StoreWrite,
} from "./types.js";

/** File name of the database inside the data dir. */
export const DATABASE_FILE = "keyform.db";

/**
 * Opens (creating and migrating if needed) `<dataDir>/keyform.db`.
 *
 * Durability: journal_mode=WAL with synchronous=NORMAL. A commit returns once its frames are
 * written to the WAL file with write(2), i.e. they are in the kernel's page cache; when the
 * process is killed (even with SIGKILL) the kernel still writes them out and the next open
 * replays the WAL, so every acknowledged write survives a crash of the server. Only a power
 * loss or kernel crash can lose the last few transactions (NORMAL skips the fsync per commit),
 * a trade we take because an fsync per Create would cap writes at the disk's flush rate.
 *
 * Throws an Error when the file cannot be opened or its schema is newer than this code.
 */
export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DATABASE_FILE);
  const db = new Database(path);
  // Digests and encrypted replay copies are not for other users; SQLite gives the -wal and
  // -shm files the database file's mode.
  chmodSync(path, 0o600);
  // Another process (a second `keyform` on the same dir) may hold the write lock briefly.
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  migrate(db);
  return new SqliteStore(db);
}

const API_KEY_COLUMNS =
  "seq, id, service_account_id, masked_secret, description, scope, scopes, created_at_ms, last_used_at_ms, expires_s, expires_ns";

class SqliteStore implements Store {
  private readonly statements;
  private readonly committer: GroupCommitter<StoreWrite, CommitResult>;

  constructor(private readonly db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      getServiceAccount: prepare("SELECT * FROM service_accounts WHERE id = ?"),
      listServiceAccounts: prepare("SELECT * FROM service_accounts WHERE folder_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      listServiceAccountsByName: prepare(
        "SELECT * FROM service_accounts WHERE folder_id = ? AND name = ? AND seq > ? ORDER BY seq LIMIT ?",
      ),
      insertServiceAccount: prepare(
        "INSERT INTO service_accounts (id, folder_id, name, description, labels, created_at_ms, expires_s, expires_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      deleteServiceAccount: prepare("DELETE FROM service_accounts WHERE id = ?"),
      getApiKey: prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ?`),
      getApiKeyByDigest: prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE secret_digest = ?`),
      listApiKeys: prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE service_account_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      insertApiKey: prepare(
        "INSERT INTO api_keys (id, service_account_id, secret_digest, masked_secret, description, scope, scopes, created_at_ms, expires_s, expires_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      updateApiKey: prepare("UPDATE api_keys SET description = ?, scopes = ?, expires_s = ?, expires_ns = ? WHERE id = ?"),
      deleteApiKey: prepare("DELETE FROM api_keys WHERE id = ?"),
      touchApiKey: prepare("UPDATE api_keys SET last_used_at_ms = ? WHERE id = ? AND (last_used_at_ms IS NULL OR last_used_at_ms < ?)"),
      getOperation: prepare("SELECT * FROM operations WHERE id = ?"),
      listOperations: prepare("SELECT * FROM operations WHERE resource_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      listRunningOperations: prepare("SELECT * FROM operations WHERE done = 0 ORDER BY seq"),
      insertOperation: prepare(
        "INSERT INTO operations (id, resource_id, owner_account_id, description, created_at_ms, created_by, modified_at_ms, done, metadata, response, error, due_at_ms, pending_kind, pending_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      isOperationRunning: prepare("SELECT 1 FROM operations WHERE id = ? AND done = 0"),
      completeOperation: prepare(
        "UPDATE operations SET done = 1, modified_at_ms = ?, response = ?, error = ?, pending_kind = NULL, pending_payload = NULL WHERE id = ? AND done = 0",
      ),
      getIdempotency: prepare("SELECT * FROM idempotency_records WHERE caller = ? AND method = ? AND key = ?"),
      insertIdempotency: prepare(
        "INSERT INTO idempotency_records (caller, method, key, fingerprint, response, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      purgeIdempotency: prepare("DELETE FROM idempotency_records WHERE created_at_ms < ?"),
    };
    this.committer = createGroupCommitter(db, (write: StoreWrite) => this.commitInTransaction(write), storeErrorOf);
  }

  private guard<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(storeErrorOf(error));
    }
  }

  private page<Row extends { seq: number }, T>(rows: Row[], query: PageQuery, convert: (row: Row) => T): Page<T> {
    const more = rows.length > query.limit;
    const kept = more ? rows.slice(0, query.limit) : rows;
    return { items: kept.map(convert), nextAfterSeq: more ? kept[kept.length - 1]?.seq : undefined };
  }

  getServiceAccount(id: string): Promise<ServiceAccountRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.getServiceAccount.get(id) as ServiceAccountRow | undefined;
      return row && serviceAccountFromRow(row);
    });
  }

  listServiceAccounts(folderId: string, name: string | undefined, query: PageQuery): Promise<Page<ServiceAccountRecord>> {
    return this.guard(() => {
      const rows = (
        name === undefined
          ? this.statements.listServiceAccounts.all(folderId, query.afterSeq, query.limit + 1)
          : this.statements.listServiceAccountsByName.all(folderId, name, query.afterSeq, query.limit + 1)
      ) as ServiceAccountRow[];
      return this.page(rows, query, serviceAccountFromRow);
    });
  }

  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.getApiKey.get(id) as ApiKeyRow | undefined;
      return row && apiKeyFromRow(row);
    });
  }

  getApiKeyBySecretDigest(digest: string): Promise<ApiKeyRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.getApiKeyByDigest.get(digest) as ApiKeyRow | undefined;
      return row && apiKeyFromRow(row);
    });
  }

  listApiKeys(serviceAccountId: string, query: PageQuery): Promise<Page<ApiKeyRecord>> {
    return this.guard(() => {
      const rows = this.statements.listApiKeys.all(serviceAccountId, query.afterSeq, query.limit + 1) as ApiKeyRow[];
      return this.page(rows, query, apiKeyFromRow);
    });
  }

  touchApiKey(id: string, atMs: number): Promise<void> {
    return this.guard(() => {
      this.statements.touchApiKey.run(atMs, id, atMs);
    });
  }

  getOperation(id: string): Promise<OperationRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.getOperation.get(id) as OperationRow | undefined;
      return row && operationFromRow(row);
    });
  }

  listOperations(resourceId: string, query: PageQuery): Promise<Page<OperationRecord>> {
    return this.guard(() => {
      const rows = this.statements.listOperations.all(resourceId, query.afterSeq, query.limit + 1) as OperationRow[];
      return this.page(rows, query, operationFromRow);
    });
  }

  listRunningOperations(): Promise<OperationRecord[]> {
    return this.guard(() => (this.statements.listRunningOperations.all() as OperationRow[]).map(operationFromRow));
  }

  getIdempotencyRecord(caller: string, method: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.guard(() => {
      const row = this.statements.getIdempotency.get(caller, method, key) as
        | { caller: string; method: string; key: string; fingerprint: string; response: Buffer; created_at_ms: number }
        | undefined;
      if (!row) return undefined;
      return { caller: row.caller, method: row.method, key: row.key, fingerprint: row.fingerprint, response: row.response, createdAtMs: row.created_at_ms };
    });
  }

  purgeIdempotencyRecords(beforeMs: number): Promise<number> {
    return this.guard(() => this.statements.purgeIdempotency.run(beforeMs).changes);
  }

  /** Group commit (sqlite-group-commit.ts): concurrent commits share one transaction, each in its own savepoint. */
  commit(write: StoreWrite): Promise<CommitResult> {
    return this.committer.submit(write);
  }

  private commitInTransaction(write: StoreWrite): CommitResult {
    const s = this.statements;
    if (write.insertOperation) insertOperation(s.insertOperation, write.insertOperation);
    if (write.completeOperation && !s.isOperationRunning.get(write.completeOperation.id)) {
      return { completed: false, result: {} };
    }
    let result: MutationResult = {};
    if (write.mutation) result = this.applyMutation(write.mutation);
    if (write.completeOperation) {
      const { id, modifiedAtMs, outcome } = write.completeOperation;
      const response = "response" in outcome ? outcome.response(result) : null;
      const error = "error" in outcome ? outcome.error : null;
      s.completeOperation.run(modifiedAtMs, response, error, id);
    }
    if (write.idempotency) {
      const record = write.idempotency;
      if (s.getIdempotency.get(record.caller, record.method, record.key)) throw new IdempotencyConflictError();
      s.insertIdempotency.run(record.caller, record.method, record.key, record.fingerprint, record.response, record.createdAtMs);
    }
    return { completed: true, result };
  }

  private applyMutation(mutation: Mutation): MutationResult {
    const s = this.statements;
    switch (mutation.kind) {
      case "createApiKey": {
        const key = mutation.key;
        if (!s.getServiceAccount.get(key.serviceAccountId)) {
          throw new ApiError(Code.NOT_FOUND, `service account ${key.serviceAccountId} not found`);
        }
        s.insertApiKey.run(
          key.id,
          key.serviceAccountId,
          mutation.secretDigest,
          key.maskedSecret,
          key.description,
          key.scope,
          JSON.stringify(key.scopes),
          key.createdAtMs,
          key.expiresAt?.seconds ?? null,
          key.expiresAt?.nanos ?? null,
        );
        return { apiKey: key };
      }
      case "updateApiKey": {
        const row = s.getApiKey.get(mutation.id) as ApiKeyRow | undefined;
        if (!row) throw new ApiError(Code.NOT_FOUND, `api key ${mutation.id} not found`);
        const current = apiKeyFromRow(row);
        const patch = mutation.patch;
        const updated: ApiKeyRecord = {
          ...current,
          description: patch.description ?? current.description,
          scopes: patch.scopes ?? current.scopes,
          expiresAt: patch.expiresAt === undefined ? current.expiresAt : patch.expiresAt,
        };
        s.updateApiKey.run(
          updated.description,
          JSON.stringify(updated.scopes),
          updated.expiresAt?.seconds ?? null,
          updated.expiresAt?.nanos ?? null,
          updated.id,
        );
        return { apiKey: updated };
      }
      case "deleteApiKey": {
        if (s.deleteApiKey.run(mutation.id).changes === 0) throw new ApiError(Code.NOT_FOUND, `api key ${mutation.id} not found`);
        return {};
      }
      case "createServiceAccount": {
        const account = mutation.account;
        try {
          s.insertServiceAccount.run(
            account.id,
            account.folderId,
            account.name,
            account.description,
            JSON.stringify(account.labels),
            account.createdAtMs,
            account.expiresAt?.seconds ?? null,
            account.expiresAt?.nanos ?? null,
          );
        } catch (error) {
          const mapped = sqliteErrorToApiError(error);
          if (mapped.code === Code.ALREADY_EXISTS) {
            throw new ApiError(Code.ALREADY_EXISTS, `name: a service account named "${account.name}" already exists in folder ${account.folderId}`);
          }
          throw mapped;
        }
        return { serviceAccount: account };
      }
      case "deleteServiceAccount": {
        // api_keys rows go with it (ON DELETE CASCADE).
        if (s.deleteServiceAccount.run(mutation.id).changes === 0) {
          throw new ApiError(Code.NOT_FOUND, `service account ${mutation.id} not found`);
        }
        return {};
      }
    }
  }

  close(): Promise<void> {
    return this.guard(() => {
      this.committer.flush();
      this.db.close();
    });
  }
}

function insertOperation(statement: Database.Statement, op: OperationRecord): void {
  const result = op.result;
  statement.run(
    op.id,
    op.resourceId,
    op.ownerAccountId,
    op.description,
    op.createdAtMs,
    op.createdBy,
    op.modifiedAtMs,
    op.done ? 1 : 0,
    op.metadata,
    result && "response" in result ? result.response : null,
    result && "error" in result ? result.error : null,
    op.dueAtMs,
    op.pending?.kind ?? null,
    op.pending?.payload ?? null,
  );
}
