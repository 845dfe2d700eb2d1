import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { collect, rejectionOf, startFixture } from "./fixture.js";
import type { ServerFixture } from "./fixture.js";

// One server for the file: listing, updates and errors over real gRPC on loopback.
let fixture: ServerFixture;
let client: ApiKeyClient;
let accountId: string;

beforeAll(async () => {
  fixture = await startFixture();
  client = fixture.client();
  const account = await client.createServiceAccount({ folderId: "b1gclienttests", name: "paging" });
  accountId = account.id;
});
afterAll(async () => fixture?.close());

describe("client against a real server", () => {
  it("iterates every page of List, one RPC per page", async () => {
    const created = new Set<string>();
    for (let index = 0; index < 23; index++) {
      const response = await client.createApiKey({ serviceAccountId: accountId, description: `key ${index}` });
      created.add(response.apiKey?.id ?? "");
    }
    const before = client.rpcCounts.get("ApiKeyService/List") ?? 0;
    const listed = await collect(client.listApiKeys(accountId, { pageSize: 5 }));
    expect(listed.map((key) => key.id).sort()).toEqual([...created].sort());
    expect((client.rpcCounts.get("ApiKeyService/List") ?? 0) - before).toBe(5); // 5+5+5+5+3

    const beforeDefault = client.rpcCounts.get("ApiKeyService/List") ?? 0;
    expect(await collect(client.listApiKeys(accountId))).toHaveLength(23);
    expect((client.rpcCounts.get("ApiKeyService/List") ?? 0) - beforeDefault).toBe(1); // page_size 1000 by default
  });

  it("creates, updates (unpacking the operation's ApiKey), lists operations and deletes", async () => {
    const { apiKey, secret } = await client.createApiKey({ serviceAccountId: accountId, description: "before", scopes: ["a.b"] });
    expect(secret).toMatch(/^AQVN[A-Za-z0-9_-]{36}$/);
    const id = apiKey?.id ?? "";

    const updated = await client.updateApiKey({ apiKeyId: id, updateMask: { paths: ["description"] }, description: "after" });
    expect({ id: updated.id, description: updated.description, scopes: updated.scopes }).toEqual({ id, description: "after", scopes: ["a.b"] });
    expect((await client.getApiKey(id)).description).toBe("after");

    const operations = await collect(client.listApiKeyOperations(id));
    expect(operations).toHaveLength(1);
    expect(operations[0]?.done).toBe(true);
    expect(operations[0]?.result.case).toBe("response");

    await client.deleteApiKey(id);
    const error = await rejectionOf(client.getApiKey(id));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(Code.NOT_FOUND);
  });

  it("replays a Create given the same explicit idempotency key from another client (another process)", async () => {
    const idempotencyKey = "apply-run-42/keyform_api_key.ci";
    const first = await client.createApiKey({ serviceAccountId: accountId, description: "once" }, { idempotencyKey });
    const second = await fixture.client().createApiKey({ serviceAccountId: accountId, description: "once" }, { idempotencyKey });
    expect({ id: second.apiKey?.id, secret: second.secret }).toEqual({ id: first.apiKey?.id, secret: first.secret });
    const keys = await collect(client.listApiKeys(accountId));
    expect(keys.filter((key) => key.description === "once")).toHaveLength(1);
  });

  it("reports server-side validation as INVALID_ARGUMENT naming the field, without retrying", async () => {
    const before = client.rpcCounts.get("ApiKeyService/Create") ?? 0;
    const error = await rejectionOf(client.createApiKey({ serviceAccountId: accountId, description: "x".repeat(257) }));
    expect((error as ApiError).code).toBe(Code.INVALID_ARGUMENT);
    expect((error as ApiError).rawMessage).toContain("description");
    expect((client.rpcCounts.get("ApiKeyService/Create") ?? 0) - before).toBe(1);
  });

  it("lists service accounts across pages", async () => {
    const folderId = "b1gsapaging";
    const names = ["sa-a", "sa-b", "sa-c", "sa-d", "sa-e"];
    for (const name of names) await client.createServiceAccount({ folderId, name });
    const before = client.rpcCounts.get("ServiceAccountService/List") ?? 0;
    const listed = await collect(client.listServiceAccounts(folderId, { pageSize: 2 }));
    expect(listed.map((account) => account.name).sort()).toEqual(names);
    expect((client.rpcCounts.get("ServiceAccountService/List") ?? 0) - before).toBe(3);
  });

  it("rejects a bad bearer token as UNAUTHENTICATED and never echoes it", async () => {
    const token = "not-a-real-admin-token-0123456789";
    const stranger = fixture.client({ credentials: { kind: "bearer", token } });
    const error = (await rejectionOf(collect(stranger.listApiKeys(accountId)))) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(Code.UNAUTHENTICATED);
    expect(error.message).not.toContain(token);
    expect(String(error.stack)).not.toContain(token);
  });

  it("authenticates with an API key: the account manages its own keys, not others'", async () => {
    const { secret } = await client.createApiKey({ serviceAccountId: accountId, description: "self" });
    const other = await client.createServiceAccount({ folderId: "b1gclienttests", name: "other" });
    const othersKey = await client.createApiKey({ serviceAccountId: other.id });

    const asAccount = fixture.client({ credentials: { kind: "api-key", secret } });
    const own = await collect(asAccount.listApiKeys(""));
    expect(own.every((key) => key.serviceAccountId === accountId)).toBe(true);
    expect(own.some((key) => key.description === "self")).toBe(true);

    const denied = (await rejectionOf(asAccount.getApiKey(othersKey.apiKey?.id ?? ""))) as ApiError;
    expect(denied.code).toBe(Code.PERMISSION_DENIED);
    expect(denied.message).not.toContain(secret);
  });
});
