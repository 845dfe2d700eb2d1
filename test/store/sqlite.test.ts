import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import { DATABASE_FILE, IdempotencyConflictError, openSqliteStore, type ApiKeyRecord, type Mutation, type Store, type StoreWrite } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/sqlite-migrations.js";
import { sqliteErrorToApiError } from "../../src/store/sqlite-errors.js";

const dirs: string[] = [];
const stores: Store[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "keyform-store-test-"));
  dirs.push(dir);
  return dir;
}
function open(dir: string): Store {
  const store = openSqliteStore(dir);
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const account = { id: "aje0000000000000acc1", folderId: "f", name: "acc", description: "", labels: { team: "a" }, createdAtMs: 1000, expiresAt: null };
function key(id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    serviceAccountId: account.id,
    createdAtMs: 2000,
    description: "d",
    scope: "",
    scopes: ["s1"],
    expiresAt: { seconds: 4291747199, nanos: 999_999_999 },
    lastUsedAtMs: null,
    maskedSecret: "****abcdef",
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof ApiError ? error.code : String(error);
  }
}

describe("SQLite store", () => {
  it("migrates a new file to the latest version, reopens without re-running steps, file mode 0600", async () => {
    const dir = tempDir();
    const store = open(dir);
    await store.commit({ mutation: { kind: "createServiceAccount", account } });
    await store.close();
    stores.pop();
    const reopened = open(dir);
    expect(await reopened.getServiceAccount(account.id)).toEqual(account);
    const raw = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
  });

  it("upgrades a version 1 database: keeps its data and drops the remembered admin token digests", async () => {
    const dir = tempDir();
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.exec(MIGRATIONS[0] as string);
    raw.pragma("user_version = 1");
    raw.prepare("INSERT INTO service_accounts (id, folder_id, name, description, labels, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)").run(account.id, "f", "acc", "", '{"team":"a"}', 1000);
    raw.prepare("INSERT INTO admin_tokens (digest, created_at_ms) VALUES (?, ?)").run("a".repeat(64), 1);
    raw.close();

    const store = open(dir);
    expect(await store.getServiceAccount(account.id)).toEqual(account);
    const upgraded = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(upgraded.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(upgraded.prepare("SELECT name FROM sqlite_master WHERE name = 'admin_tokens'").all()).toEqual([]);
    upgraded.close();
  });

  it("refuses a database written by a newer schema version", () => {
    const dir = tempDir();
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openSqliteStore(dir)).toThrow(`database schema version ${MIGRATIONS.length + 1} is newer than this keyform supports`);
  });

  it("keeps expires_at nanos exactly, finds keys by digest, cascades account deletion", async () => {
    const store = open(tempDir());
    await store.commit({ mutation: { kind: "createServiceAccount", account } });
    await store.commit({ mutation: { kind: "createApiKey", key: key("k1"), secretDigest: "d1" } });
    expect(await store.getApiKey("k1")).toEqual(key("k1"));
    expect((await store.getApiKeyBySecretDigest("d1"))?.id).toBe("k1");
    await store.touchApiKey("k1", 5000);
    await store.touchApiKey("k1", 4000); // never backwards
    expect((await store.getApiKey("k1"))?.lastUsedAtMs).toBe(5000);
    await store.commit({ mutation: { kind: "deleteServiceAccount", id: account.id } });
    expect(await store.getApiKey("k1")).toBeUndefined();
  });

  it.each([
    { reason: "duplicate secret digest", second: key("k2"), digest: "d1", want: Code.ALREADY_EXISTS },
    { reason: "duplicate key id", second: key("k1"), digest: "d2", want: Code.ALREADY_EXISTS },
    { reason: "unknown service account", second: key("k3", { serviceAccountId: "nope" }), digest: "d3", want: Code.NOT_FOUND },
  ])("maps $reason to an ApiError", async ({ second, digest, want }) => {
    const store = open(tempDir());
    await store.commit({ mutation: { kind: "createServiceAccount", account } });
    await store.commit({ mutation: { kind: "createApiKey", key: key("k1"), secretDigest: "d1" } });
    expect(await codeOf(store.commit({ mutation: { kind: "createApiKey", key: second, secretDigest: digest } }))).toBe(want);
  });

  it("rolls back the mutation when the idempotency record conflicts", async () => {
    const store = open(tempDir());
    await store.commit({ mutation: { kind: "createServiceAccount", account } });
    const record = { caller: "admin", method: "m", key: "k", fingerprint: "f", response: Buffer.from("r"), createdAtMs: 1 };
    await store.commit({ mutation: { kind: "createApiKey", key: key("k1"), secretDigest: "d1" }, idempotency: record });
    await expect(store.commit({ mutation: { kind: "createApiKey", key: key("k2"), secretDigest: "d2" }, idempotency: record })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
    expect(await store.getApiKey("k2")).toBeUndefined();
    expect(await store.purgeIdempotencyRecords(2)).toBe(1);
  });

  it.each([
    { reason: "unique violation", code: "SQLITE_CONSTRAINT_UNIQUE", want: Code.ALREADY_EXISTS },
    { reason: "foreign key violation", code: "SQLITE_CONSTRAINT_FOREIGNKEY", want: Code.NOT_FOUND },
    { reason: "busy database", code: "SQLITE_BUSY", want: Code.UNAVAILABLE },
    { reason: "anything else", code: "SQLITE_IOERR", want: Code.INTERNAL },
  ])("sqliteErrorToApiError: $reason", ({ code, want }) => {
    const mapped = sqliteErrorToApiError(Object.assign(new Error("UNIQUE constraint failed: api_keys.secret_digest"), { code }));
    expect(mapped.code).toBe(want);
    expect(mapped.rawMessage).not.toContain("secret_digest");
  });
});

describe("SQLite store: concurrent commits (group commit)", () => {
  const record = (key: string, fingerprint: string) => ({ caller: "admin", method: "m", key, fingerprint, response: Buffer.from(fingerprint), createdAtMs: 1 });
  const operation = (id: string) => ({
    id,
    resourceId: "r",
    ownerAccountId: account.id,
    description: "",
    createdAtMs: 1,
    createdBy: "admin",
    modifiedAtMs: 1,
    done: false,
    metadata: Buffer.from("m"),
    result: null,
    dueAtMs: null,
    pending: null,
  });
  const createKey = (id: string, digest = id, overrides: Partial<ApiKeyRecord> = {}): Mutation => ({ kind: "createApiKey", key: key(id, overrides), secretDigest: digest });
  // Each failing write follows a successful one it collides with, in the same group.
  // `pre<n>` exists before; after reopening, exactly `ok<n>`, `late<n>` and `op-del<n>` must exist.
  const cases = (n: number): { reason: string; write: StoreWrite; want: "ok" | "conflict" | Code }[] => [
    { reason: "plain create", write: { mutation: createKey(`ok${n}`), idempotency: record(`i${n}`, "first") }, want: "ok" },
    { reason: "same idempotency key, other request", write: { mutation: createKey(`twin${n}`), idempotency: record(`i${n}`, "second") }, want: "conflict" },
    { reason: "duplicate secret digest", write: { mutation: createKey(`dup${n}`, `ok${n}`) }, want: Code.ALREADY_EXISTS },
    { reason: "failing mutation with its operation", write: { insertOperation: operation(`op-bad${n}`), mutation: createKey(`bad${n}`, `bad${n}`, { serviceAccountId: "nope" }) }, want: Code.NOT_FOUND },
    { reason: "delete with its operation", write: { insertOperation: operation(`op-del${n}`), mutation: { kind: "deleteApiKey", id: `pre${n}` } }, want: "ok" },
    { reason: "deleting it twice", write: { mutation: { kind: "deleteApiKey", id: `pre${n}` } }, want: Code.NOT_FOUND },
    { reason: "create after the failures", write: { mutation: createKey(`late${n}`) }, want: "ok" },
  ];

  it("gives each of 30 x 7 concurrent commits its own outcome; after reopening, exactly the successful ones are stored", async () => {
    const dir = tempDir();
    const store = open(dir);
    await store.commit({ mutation: { kind: "createServiceAccount", account } });
    const rounds = Array.from({ length: 30 }, (_, n) => n);
    for (const n of rounds) await store.commit({ mutation: createKey(`pre${n}`) });
    const all = rounds.flatMap(cases);
    const outcomes = await Promise.all(
      all.map(({ write }) =>
        store.commit(write).then(
          () => "ok",
          (error: unknown) => (error instanceof IdempotencyConflictError ? "conflict" : error instanceof ApiError ? error.code : String(error)),
        ),
      ),
    );
    expect(outcomes.map((outcome, index) => `${all[index]?.reason}: ${outcome}`)).toEqual(all.map(({ reason, want }) => `${reason}: ${want}`));
    await store.close();
    stores.pop();

    const reopened = open(dir);
    for (const n of rounds) {
      const keys = await Promise.all(["pre", "ok", "twin", "dup", "bad", "late"].map(async (prefix) => [prefix, (await reopened.getApiKey(`${prefix}${n}`)) !== undefined]));
      expect(Object.fromEntries(keys)).toEqual({ pre: false, ok: true, twin: false, dup: false, bad: false, late: true });
      expect([(await reopened.getOperation(`op-bad${n}`)) !== undefined, (await reopened.getOperation(`op-del${n}`)) !== undefined]).toEqual([false, true]);
      expect((await reopened.getIdempotencyRecord("admin", "m", `i${n}`))?.fingerprint).toBe("first");
    }
  });
});
