import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import { idempotent, IDEMPOTENCY_RETENTION_MS, type RecordFactory } from "../../src/server/idempotency.js";
import type { CallContext } from "../../src/server/unary.js";
import { openSqliteStore, type Store } from "../../src/store/index.js";

/**
 * idempotent() against a real SQLite store, with the twin request's commit forced between
 * this request's lookup and its own commit (the window concurrent retries can hit).
 */
const dataDir = mkdtempSync(join(tmpdir(), "keyform-idem-race-"));
let store: Store;
beforeAll(() => {
  store = openSqliteStore(dataDir);
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const context = (key: string): CallContext => ({ caller: { kind: "admin", id: "admin" }, method: "test/Create", idempotencyKey: key });
const decode = async (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const now = () => 1_000_000;

describe("idempotent() when a twin commits first", () => {
  it.each<{ reason: string; failure: (makeRecord: RecordFactory) => Promise<string> }>([
    {
      reason: "the own commit hits the idempotency conflict",
      failure: (makeRecord) =>
        store.commit({ idempotency: makeRecord(Buffer.from("mine")) }).then(() => "mine"),
    },
    {
      reason: "the own mutation fails first (ALREADY_EXISTS on a name the twin created)",
      failure: async () => {
        throw new ApiError(Code.ALREADY_EXISTS, "name: taken");
      },
    },
  ])("$reason: answers with the twin's result", async ({ failure }) => {
    const key = `race-${Math.random()}`;
    const result = await idempotent(
      store,
      context(key),
      {
        requestBytes: Buffer.from("request"),
        replay: decode,
        run: async (makeRecord) => {
          if (!makeRecord) throw new Error("expected a record factory");
          await store.commit({ idempotency: makeRecord(Buffer.from("twin")) }); // the twin wins the race
          return failure(makeRecord);
        },
      },
      now,
    );
    expect(result).toBe("twin");
  });

  it("a failure with no twin record is passed through", async () => {
    const run = async () => {
      throw new ApiError(Code.NOT_FOUND, "gone");
    };
    await expect(idempotent(store, context("lonely"), { requestBytes: Buffer.from("r"), replay: decode, run }, now)).rejects.toMatchObject({
      code: Code.NOT_FOUND,
    });
  });

  it("a record older than the retention is ignored and purged", async () => {
    await store.commit({
      idempotency: { caller: "admin", method: "test/Create", key: "old", fingerprint: "other", response: Buffer.from("stale"), createdAtMs: now() - IDEMPOTENCY_RETENTION_MS - 1 },
    });
    const result = await idempotent(
      store,
      context("old"),
      { requestBytes: Buffer.from("r"), replay: decode, run: async (makeRecord) => (await store.commit({ idempotency: makeRecord?.(Buffer.from("fresh")) }), "fresh") },
      now,
    );
    expect(result).toBe("fresh");
  });
});
