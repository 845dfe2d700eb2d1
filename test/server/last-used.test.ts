import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../../src/store/index.js";
import { createAuthenticator, LAST_USED_WRITE_INTERVAL_MS, type Authenticator } from "../../src/server/auth.js";
import { sha256Hex } from "../../src/server/credentials-format.js";

/** last_used_at is written at most once a minute per key, against a real SQLite store. */
const dataDir = mkdtempSync(join(tmpdir(), "keyform-last-used-"));
let store: Store;
const clock = { now: 0 };
// One authenticator for the whole table: its memory of earlier writes is what is under test.
let authenticator: Authenticator;

beforeAll(async () => {
  store = openSqliteStore(dataDir);
  authenticator = createAuthenticator(store, [], () => clock.now);
  await store.commit({
    mutation: { kind: "createServiceAccount", account: { id: "acc", folderId: "f", name: "a", description: "", labels: {}, createdAtMs: 0, expiresAt: null } },
  });
  await store.commit({
    mutation: {
      kind: "createApiKey",
      secretDigest: sha256Hex("secret-1"),
      key: { id: "k1", serviceAccountId: "acc", createdAtMs: 0, description: "", scope: "", scopes: [], expiresAt: { seconds: 100, nanos: 0 }, lastUsedAtMs: null, maskedSecret: "****" },
    },
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("last_used_at", () => {
  it.each([
    { reason: "first use writes", at: 10_000, want: 10_000 },
    { reason: "a use 59.999 s later does not write", at: 10_000 + LAST_USED_WRITE_INTERVAL_MS - 1, want: 10_000 },
    { reason: "a use a minute later writes", at: 10_000 + LAST_USED_WRITE_INTERVAL_MS, want: 10_000 + LAST_USED_WRITE_INTERVAL_MS },
  ])("$reason", async ({ at, want }) => {
    clock.now = at;
    expect(await authenticator.authenticate("Api-Key secret-1")).toEqual({ kind: "account", id: "acc", apiKeyId: "k1" });
    expect((await store.getApiKey("k1"))?.lastUsedAtMs).toBe(want);
  });

  it("an expired key is UNAUTHENTICATED and not touched", async () => {
    const later = createAuthenticator(store, [], () => 100_000 + LAST_USED_WRITE_INTERVAL_MS * 10);
    await expect(later.authenticate("Api-Key secret-1")).rejects.toMatchObject({ code: 16, rawMessage: "api key k1 has expired" });
  });
});
