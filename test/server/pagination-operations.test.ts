import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import { ApiKeySchema, type ApiKey } from "../../src/gen/yandex/cloud/iam/v1/api_key_pb.js";
import type { CreateApiKeyResponse, ListApiKeysResponse } from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import type { Operation } from "../../src/gen/yandex/cloud/operation/operation_pb.js";
import { failure, startHarness, type Harness } from "./harness.js";

async function createAccount(h: Harness, name: string): Promise<string> {
  let op = await h.accounts.call<Operation>("create", { folderId: "paging", name }, h.admin);
  op = await pollDone(h, op);
  if (op.result.case !== "response") throw new Error("account not created");
  return anyUnpack(op.result.value, ServiceAccountSchema)?.id ?? "";
}

async function pollDone(h: Harness, operation: Operation): Promise<Operation> {
  let current = operation;
  for (let attempt = 0; !current.done; attempt++) {
    if (attempt > 200) throw new Error(`operation ${operation.id} never completed`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    current = await h.operations.call<Operation>("get", { operationId: operation.id }, h.admin);
  }
  return current;
}

async function createKey(h: Harness, accountId: string, description: string): Promise<string> {
  const created = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId, description }, h.admin);
  return created.apiKey?.id ?? "";
}

describe("pagination", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("pages over keys while others are inserted and deleted: no key present throughout is skipped or repeated", async () => {
    const accountId = await createAccount(h, "paging");
    const stable: string[] = [];
    const churn: string[] = [];
    for (let index = 0; index < 120; index++) {
      stable.push(await createKey(h, accountId, `stable-${index}`));
      churn.push(await createKey(h, accountId, `churn-${index}`));
    }
    let stop = false;
    const mutator = (async () => {
      let round = 0;
      while (!stop) {
        const victim = churn.shift();
        if (victim) await h.apiKeys.call<Operation>("delete", { apiKeyId: victim }, h.admin);
        await createKey(h, accountId, `new-${round++}`);
      }
    })();

    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await h.apiKeys.call<ListApiKeysResponse>("list", { serviceAccountId: accountId, pageSize: 25n, pageToken }, h.admin);
      seen.push(...page.apiKeys.map((key) => key.id));
      expect(page.nextPageToken.length).toBeLessThanOrEqual(100);
      pageToken = page.nextPageToken;
      pages++;
      // Let the mutator interleave between pages.
      await new Promise((resolve) => setTimeout(resolve, 5));
    } while (pageToken !== "");
    stop = true;
    await mutator;

    expect(pages).toBeGreaterThan(5);
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(stable.filter((id) => !seenSet.has(id))).toEqual([]);
    // Stable keys come back in creation order.
    expect(seen.filter((id) => stable.includes(id))).toEqual(stable);
  });

  it("a token of another account's listing, or a tampered one, is INVALID_ARGUMENT naming page_token", async () => {
    const first = await createAccount(h, "tamper-a");
    const second = await createAccount(h, "tamper-b");
    for (let index = 0; index < 3; index++) {
      await createKey(h, first, "a");
      await createKey(h, second, "b");
    }
    const page = await h.apiKeys.call<ListApiKeysResponse>("list", { serviceAccountId: first, pageSize: 1n }, h.admin);
    const token = page.nextPageToken;
    expect(token).not.toBe("");
    const tampered = token.slice(0, 5) + (token[5] === "A" ? "B" : "A") + token.slice(6);
    for (const [serviceAccountId, pageToken] of [
      [second, token],
      [first, tampered],
    ] as const) {
      expect(await failure(h.apiKeys.call("list", { serviceAccountId, pageSize: 1n, pageToken }, h.admin))).toEqual({
        code: status.INVALID_ARGUMENT,
        details: "page_token: is not a page token issued for this listing",
      });
    }
  });
});

// These tests share one data dir and run in order: the later ones reuse the account "delayed-2".
describe("delayed operations", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keyform-delayed-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("Update, Delete and account Create start running and are polled to completion via OperationService.Get", async () => {
    const h = await startHarness({ dataDir, operationDelayMs: 200 });
    try {
      const accountOp = await h.accounts.call<Operation>("create", { folderId: "delayed", name: "delayed" }, h.admin);
      expect(accountOp.done).toBe(false);
      const accountId = await createAccount(h, "delayed-2");
      const keyId = await createKey(h, accountId, "before");

      const update = await h.apiKeys.call<Operation>("update", { apiKeyId: keyId, updateMask: { paths: ["description"] }, description: "after" }, h.admin);
      expect(update.done).toBe(false);
      expect(update.result.case).toBeUndefined();
      const updated = await pollDone(h, update);
      if (updated.result.case !== "response") throw new Error("expected a response");
      expect(anyUnpack(updated.result.value, ApiKeySchema)?.description).toBe("after");
      expect((await h.apiKeys.call<ApiKey>("get", { apiKeyId: keyId }, h.admin)).description).toBe("after");

      const deletion = await h.apiKeys.call<Operation>("delete", { apiKeyId: keyId }, h.admin);
      expect(deletion.done).toBe(false);
      await pollDone(h, deletion);
      expect((await failure(h.apiKeys.call("get", { apiKeyId: keyId }, h.admin))).code).toBe(status.NOT_FOUND);
      expect((await pollDone(h, accountOp)).result.case).toBe("response");
    } finally {
      await h.close();
    }
  });

  it("Cancel of a running operation ends it CANCELLED and its change is never applied", async () => {
    const h = await startHarness({ dataDir, operationDelayMs: 60_000 });
    try {
      const accounts = await h.accounts.call<{ serviceAccounts: { id: string; name: string }[] }>("list", { folderId: "paging", filter: "name=\"delayed-2\"" }, h.admin);
      const accountId = accounts.serviceAccounts.find((account) => account.name === "delayed-2")?.id ?? "";
      const keyId = await createKey(h, accountId, "keep");
      const update = await h.apiKeys.call<Operation>("update", { apiKeyId: keyId, updateMask: { paths: ["description"] }, description: "never" }, h.admin);
      const cancelled = await h.operations.call<Operation>("cancel", { operationId: update.id }, h.admin);
      expect(cancelled.done).toBe(true);
      if (cancelled.result.case !== "error") throw new Error("expected an error");
      expect(cancelled.result.value.code).toBe(status.CANCELLED);
      expect((await h.apiKeys.call<ApiKey>("get", { apiKeyId: keyId }, h.admin)).description).toBe("keep");
      expect((await failure(h.operations.call("cancel", { operationId: update.id }, h.admin))).code).toBe(status.FAILED_PRECONDITION);
    } finally {
      await h.close();
    }
  });

  it("a running operation survives a restart and completes afterwards", async () => {
    let h = await startHarness({ dataDir, operationDelayMs: 300 });
    const accounts = await h.accounts.call<{ serviceAccounts: { id: string; name: string }[] }>("list", { folderId: "paging", filter: "name=\"delayed-2\"" }, h.admin);
    const accountId = accounts.serviceAccounts.find((account) => account.name === "delayed-2")?.id ?? "";
    const keyId = await createKey(h, accountId, "doomed");
    const deletion = await h.apiKeys.call<Operation>("delete", { apiKeyId: keyId }, h.admin);
    expect(deletion.done).toBe(false);
    await h.close();
    h = await startHarness({ dataDir, operationDelayMs: 300 });
    try {
      const done = await pollDone(h, deletion);
      expect(done.result.case).toBe("response");
      expect((await failure(h.apiKeys.call("get", { apiKeyId: keyId }, h.admin))).code).toBe(status.NOT_FOUND);
    } finally {
      await h.close();
    }
  });
});
