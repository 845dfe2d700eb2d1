import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import type { ApiKey } from "../../src/gen/yandex/cloud/iam/v1/api_key_pb.js";
import type { CreateApiKeyResponse, ListApiKeysResponse } from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import type { Operation } from "../../src/gen/yandex/cloud/operation/operation_pb.js";
import { failure, startHarness, type Auth, type Harness } from "./harness.js";

let h: Harness;
const extraAdminToken = "extra-admin-token-for-tests-0123456789";
const state = { mine: "", other: "", mySecret: "", myKeyId: "", otherKeyId: "", expiredSecret: "" };

async function createAccount(name: string): Promise<string> {
  const op = await h.accounts.call<Operation>("create", { folderId: "auth", name }, h.admin);
  if (op.result.case !== "response") throw new Error("account not created");
  return anyUnpack(op.result.value, ServiceAccountSchema)?.id ?? "";
}

beforeAll(async () => {
  h = await startHarness({ adminTokens: [extraAdminToken] });
  state.mine = await createAccount("mine");
  state.other = await createAccount("other");
  const mine = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: state.mine }, h.admin);
  state.mySecret = mine.secret;
  state.myKeyId = mine.apiKey?.id ?? "";
  const other = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: state.other }, h.admin);
  state.otherKeyId = other.apiKey?.id ?? "";
  const expired = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: state.mine, expiresAt: { seconds: 1n } }, h.admin);
  state.expiredSecret = expired.secret;
});
afterAll(() => h.close());

describe("auth matrix", () => {
  const mine = (): Auth => ({ apiKey: state.mySecret });
  const cases: { reason: string; auth: () => Auth; method: string; request: () => object; want: string; service?: "accounts" }[] = [
    { reason: "no credential", auth: () => null, method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "16" },
    { reason: "unknown bearer token", auth: () => ({ bearer: "not-a-token" }), method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "16" },
    { reason: "unknown api key", auth: () => ({ apiKey: "AQVN" + "x".repeat(36) }), method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "16" },
    { reason: "unknown scheme", auth: () => ({ raw: `Basic ${state.mySecret}` }), method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "16" },
    { reason: "expired key", auth: () => ({ apiKey: state.expiredSecret }), method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "16" },
    { reason: "own key: Get own key", auth: mine, method: "get", request: () => ({ apiKeyId: state.myKeyId }), want: "OK" },
    { reason: "own key: List with empty id lists own", auth: mine, method: "list", request: () => ({}), want: "OK" },
    { reason: "own key: Create with empty id creates own", auth: mine, method: "create", request: () => ({}), want: "OK" },
    { reason: "own key: Get other account's key", auth: mine, method: "get", request: () => ({ apiKeyId: state.otherKeyId }), want: "7" },
    { reason: "own key: List other account", auth: mine, method: "list", request: () => ({ serviceAccountId: state.other }), want: "7" },
    { reason: "own key: Create for other account", auth: mine, method: "create", request: () => ({ serviceAccountId: state.other }), want: "7" },
    { reason: "own key: Update other account's key", auth: mine, method: "update", request: () => ({ apiKeyId: state.otherKeyId, updateMask: { paths: ["description"] } }), want: "7" },
    { reason: "own key: Delete other account's key", auth: mine, method: "delete", request: () => ({ apiKeyId: state.otherKeyId }), want: "7" },
    { reason: "own key: ListOperations of other account's key", auth: mine, method: "listOperations", request: () => ({ apiKeyId: state.otherKeyId }), want: "7" },
    { reason: "own key: ServiceAccountService is admin only", auth: mine, method: "get", request: () => ({ serviceAccountId: state.mine }), want: "7", service: "accounts" },
    { reason: "admin: List must name an account", auth: () => h.admin, method: "list", request: () => ({}), want: "3" },
    { reason: "admin: Create must name an account", auth: () => h.admin, method: "create", request: () => ({}), want: "3" },
    { reason: "admin: Get any key", auth: () => h.admin, method: "get", request: () => ({ apiKeyId: state.otherKeyId }), want: "OK" },
    { reason: "extra admin token from options", auth: () => ({ bearer: extraAdminToken }), method: "get", request: () => ({ apiKeyId: state.otherKeyId }), want: "OK" },
    { reason: "admin: ServiceAccountService", auth: () => h.admin, method: "get", request: () => ({ serviceAccountId: state.mine }), want: "OK", service: "accounts" },
  ];
  it.each(cases)("$reason", async ({ auth, method, request, want, service }) => {
    const client = service === "accounts" ? h.accounts : h.apiKeys;
    const got = await client.call(method, request(), auth()).then(
      () => "OK",
      (error: { code: number }) => String(error.code),
    );
    expect(got).toBe(want);
  });

  it("error messages never contain the credential", async () => {
    for (const auth of [{ apiKey: state.expiredSecret }, { bearer: "secret-looking-token-xyz" }]) {
      const error = await failure(h.apiKeys.call("get", { apiKeyId: state.myKeyId }, auth));
      expect(error.details).not.toContain("apiKey" in auth ? auth.apiKey : auth.bearer);
    }
    expect((await failure(h.apiKeys.call("list", {}, h.admin))).details).toBe(
      "service_account_id: is required when authenticated with an admin token",
    );
  });

  it("a successful Api-Key call sets last_used_at", async () => {
    const key = await h.apiKeys.call<ApiKey>("get", { apiKeyId: state.myKeyId }, h.admin);
    expect(key.lastUsedAt?.seconds).toBeGreaterThan(0n);
    const listed = await h.apiKeys.call<ListApiKeysResponse>("list", {}, { apiKey: state.mySecret });
    // An empty service_account_id lists the caller's own keys: its own key among them, no other account's.
    expect(listed.apiKeys.map((listedKey) => listedKey.id)).toContain(state.myKeyId);
    expect(listed.apiKeys.filter((listedKey) => listedKey.serviceAccountId !== state.mine)).toEqual([]);
  });
});

describe("idempotency", () => {
  it("Create replays the same key and secret; a different request is INVALID_ARGUMENT", async () => {
    const request = { serviceAccountId: state.mine, description: "idem" };
    const first = await h.apiKeys.call<CreateApiKeyResponse>("create", request, h.admin, { "idempotency-key": "create-1" });
    const second = await h.apiKeys.call<CreateApiKeyResponse>("create", request, h.admin, { "idempotency-key": "create-1" });
    expect(second.apiKey?.id).toBe(first.apiKey?.id);
    expect(second.secret).toBe(first.secret);
    const listed = await h.apiKeys.call<ListApiKeysResponse>("list", { serviceAccountId: state.mine, pageSize: 1000n }, h.admin);
    expect(listed.apiKeys.filter((key) => key.description === "idem")).toHaveLength(1);
    expect(await failure(h.apiKeys.call("create", { ...request, description: "other" }, h.admin, { "idempotency-key": "create-1" }))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: "idempotency-key: was already used with a different request; use a new key for a new request",
    });
    // Keys are scoped per caller: the same key from another caller is a new request.
    const own = await h.apiKeys.call<CreateApiKeyResponse>("create", { description: "idem" }, { apiKey: state.mySecret }, { "idempotency-key": "create-1" });
    expect(own.apiKey?.id).not.toBe(first.apiKey?.id);
  });

  it("concurrent twins with one key create one key", async () => {
    const request = { serviceAccountId: state.mine, description: "twins" };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.apiKeys.call<CreateApiKeyResponse>("create", request, h.admin, { "idempotency-key": "twins" })),
    );
    expect(new Set(results.map((result) => result.secret)).size).toBe(1);
  });

  it("Update and Delete replay the original operation", async () => {
    const created = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: state.mine }, h.admin);
    const id = created.apiKey?.id ?? "";
    const update = { apiKeyId: id, updateMask: { paths: ["description"] }, description: "u1" };
    const first = await h.apiKeys.call<Operation>("update", update, h.admin, { "idempotency-key": "update-1" });
    await h.apiKeys.call<Operation>("update", { ...update, description: "u2" }, h.admin);
    const replay = await h.apiKeys.call<Operation>("update", update, h.admin, { "idempotency-key": "update-1" });
    expect(replay.id).toBe(first.id);
    expect((await h.apiKeys.call<ApiKey>("get", { apiKeyId: id }, h.admin)).description).toBe("u2");
    expect((await failure(h.apiKeys.call("update", { ...update, description: "u3" }, h.admin, { "idempotency-key": "update-1" }))).code).toBe(
      status.INVALID_ARGUMENT,
    );

    const deleted = await h.apiKeys.call<Operation>("delete", { apiKeyId: id }, h.admin, { "idempotency-key": "delete-1" });
    const deletedAgain = await h.apiKeys.call<Operation>("delete", { apiKeyId: id }, h.admin, { "idempotency-key": "delete-1" });
    expect(deletedAgain.id).toBe(deleted.id);
    expect(deletedAgain.done).toBe(true);
  });

  it("concurrent twins of a service account Create get one operation", async () => {
    const request = { folderId: "auth", name: "twin-account" };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => h.accounts.call<Operation>("create", request, h.admin, { "idempotency-key": "sa-twins" })),
    );
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
  });

  it("ServiceAccountService Create replays the original operation", async () => {
    const request = { folderId: "auth", name: "idem-account" };
    const first = await h.accounts.call<Operation>("create", request, h.admin, { "idempotency-key": "sa-1" });
    const second = await h.accounts.call<Operation>("create", request, h.admin, { "idempotency-key": "sa-1" });
    expect(second.id).toBe(first.id);
  });
});
