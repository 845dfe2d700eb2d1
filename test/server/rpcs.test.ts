import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBinary, toJson } from "@bufbuild/protobuf";
import { anyUnpack, EmptySchema } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import { ApiKeySchema, type ApiKey } from "../../src/gen/yandex/cloud/iam/v1/api_key_pb.js";
import {
  CreateApiKeyResponseSchema,
  DeleteApiKeyMetadataSchema,
  UpdateApiKeyMetadataSchema,
  type CreateApiKeyResponse,
  type ListApiKeyOperationsResponse,
  type ListApiKeyScopesResponse,
  type ListApiKeysResponse,
} from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema, type ServiceAccount } from "../../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import type { ListServiceAccountsResponse } from "../../src/gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import type { Operation } from "../../src/gen/yandex/cloud/operation/operation_pb.js";
import { API_KEY_SCOPES } from "../../src/server/scopes.js";
import { failure, startHarness, type Harness } from "./harness.js";

let h: Harness;
let accountId: string;

async function createAccount(name: string): Promise<string> {
  const op = await h.accounts.call<Operation>("create", { folderId: "folder1", name }, h.admin);
  expect(op.done).toBe(true);
  if (op.result.case !== "response") throw new Error("no response");
  return (anyUnpack(op.result.value, ServiceAccountSchema) as ServiceAccount).id;
}

beforeAll(async () => {
  h = await startHarness();
  accountId = await createAccount("rpc-owner");
});
afterAll(() => h.close());

describe("ApiKeyService success paths", () => {
  it("Create returns the key and its secret once; Get returns the key without it", async () => {
    const created = await h.apiKeys.call<CreateApiKeyResponse>(
      "create",
      {
        serviceAccountId: accountId,
        description: "для CI",
        scope: "legacy",
        scopes: ["yc.ydb.topics.manage", "x"],
        expiresAt: { seconds: 4102444800n, nanos: 123456789 },
      },
      h.admin,
    );
    const key = created.apiKey as ApiKey;
    expect(key.id).toMatch(/^aje[0-9a-v]{17}$/);
    expect(created.secret).toMatch(/^AQVN[A-Za-z0-9_-]{36}$/);
    expect(key.maskedSecret).toBe(`****${created.secret.slice(-6)}`);
    const got = await h.apiKeys.call<ApiKey>("get", { apiKeyId: key.id }, h.admin);
    expect({ ...got, createdAt: undefined }).toEqual({ ...key, createdAt: undefined });
    expect(got.expiresAt?.seconds).toBe(4102444800n);
    expect(got.expiresAt?.nanos).toBe(123456789);
    expect(got.scope).toBe("legacy");
    expect(got.description).toBe("для CI");
    // The secret is in the Create response's secret field and nowhere else: not in the key
    // (bytes or JSON) of Get, List or Create. Only its last six characters (masked_secret) show.
    const listed = await h.apiKeys.call<ListApiKeysResponse>("list", { serviceAccountId: accountId }, h.admin);
    const randomPart = created.secret.slice(4, -6);
    for (const shown of [got, key, listed.apiKeys.find((listedKey) => listedKey.id === key.id)]) {
      expect(shown).toBeDefined();
      const message = shown as ApiKey;
      expect(Buffer.from(toBinary(ApiKeySchema, message)).toString("latin1")).not.toContain(randomPart);
      expect(JSON.stringify(toJson(ApiKeySchema, message))).not.toContain(randomPart);
    }
    const withoutSecret = JSON.stringify(toJson(CreateApiKeyResponseSchema, { ...created, secret: "" }));
    expect(withoutSecret).toContain(key.id);
    expect(withoutSecret).not.toContain(randomPart);
  });

  it("List returns the account's keys oldest first", async () => {
    const accountOfList = await createAccount("list-owner");
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const created = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountOfList, description: `k${index}` }, h.admin);
      ids.push(created.apiKey?.id ?? "");
    }
    const listed = await h.apiKeys.call<ListApiKeysResponse>("list", { serviceAccountId: accountOfList }, h.admin);
    expect(listed.apiKeys.map((key) => key.id)).toEqual(ids);
    expect(listed.nextPageToken).toBe("");
  });

  it("Update applies exactly the masked paths and returns a done Operation with Any metadata and response", async () => {
    const created = await h.apiKeys.call<CreateApiKeyResponse>(
      "create",
      { serviceAccountId: accountId, description: "before", scopes: ["a"], expiresAt: { seconds: 2000000000n, nanos: 0 } },
      h.admin,
    );
    const id = created.apiKey?.id ?? "";
    const op = await h.apiKeys.call<Operation>(
      "update",
      { apiKeyId: id, updateMask: { paths: ["description"] }, description: "after", scopes: ["ignored"] },
      h.admin,
    );
    expect(op.done).toBe(true);
    expect(op.metadata?.typeUrl).toBe("type.googleapis.com/yandex.cloud.iam.v1.UpdateApiKeyMetadata");
    expect(anyUnpack(op.metadata!, UpdateApiKeyMetadataSchema)?.apiKeyId).toBe(id);
    if (op.result.case !== "response") throw new Error("expected a response");
    expect(op.result.value.typeUrl).toBe("type.googleapis.com/yandex.cloud.iam.v1.ApiKey");
    const updated = anyUnpack(op.result.value, ApiKeySchema)!;
    expect([updated.description, updated.scopes, updated.expiresAt?.seconds]).toEqual(["after", ["a"], 2000000000n]);

    // An absent mask replaces every mutable field, clearing expires_at.
    await h.apiKeys.call<Operation>("update", { apiKeyId: id, description: "all", scopes: ["b", "c"] }, h.admin);
    const got = await h.apiKeys.call<ApiKey>("get", { apiKeyId: id }, h.admin);
    expect([got.description, got.scopes, got.expiresAt]).toEqual(["all", ["b", "c"], undefined]);

    // OperationService.Get and ListOperations return the operations later.
    const again = await h.operations.call<Operation>("get", { operationId: op.id }, h.admin);
    expect(again.id).toBe(op.id);
    expect(again.done).toBe(true);
    const ops = await h.apiKeys.call<ListApiKeyOperationsResponse>("listOperations", { apiKeyId: id }, h.admin);
    expect(ops.operations.map((operation) => operation.description)).toEqual(["Update API key", "Update API key"]);
    expect(ops.operations[0]?.id).toBe(op.id);
  });

  it("Delete removes the key; a second Delete, Get and Update are NOT_FOUND", async () => {
    const created = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId }, h.admin);
    const id = created.apiKey?.id ?? "";
    const op = await h.apiKeys.call<Operation>("delete", { apiKeyId: id }, h.admin);
    expect(op.done).toBe(true);
    expect(anyUnpack(op.metadata!, DeleteApiKeyMetadataSchema)?.apiKeyId).toBe(id);
    if (op.result.case !== "response") throw new Error("expected a response");
    expect(anyUnpack(op.result.value, EmptySchema)).toBeDefined();
    for (const [method, request] of [
      ["delete", { apiKeyId: id }],
      ["get", { apiKeyId: id }],
      ["update", { apiKeyId: id, updateMask: { paths: ["description"] } }],
    ] as const) {
      expect(await failure(h.apiKeys.call(method, request, h.admin))).toEqual({ code: status.NOT_FOUND, details: `api key ${id} not found` });
    }
    expect(await failure(h.operations.call("cancel", { operationId: op.id }, h.admin))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: `operation ${op.id} is already done`,
    });
  });

  it("ListOperations of a deleted key still lists its operations, to its own account and admins only", async () => {
    const ownerKey = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId }, h.admin);
    const strangerAccount = await createAccount("list-ops-stranger");
    const strangerKey = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: strangerAccount }, h.admin);
    const doomed = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId }, h.admin);
    const id = doomed.apiKey?.id ?? "";
    const update = await h.apiKeys.call<Operation>("update", { apiKeyId: id, updateMask: { paths: ["description"] }, description: "last" }, h.admin);
    const deletion = await h.apiKeys.call<Operation>("delete", { apiKeyId: id }, { apiKey: ownerKey.secret });

    for (const auth of [h.admin, { apiKey: ownerKey.secret }]) {
      const listed = await h.apiKeys.call<ListApiKeyOperationsResponse>("listOperations", { apiKeyId: id }, auth);
      expect(listed.operations.map((operation) => [operation.id, operation.description, operation.done])).toEqual([
        [update.id, "Update API key", true],
        [deletion.id, "Delete API key", true],
      ]);
    }
    expect(await failure(h.apiKeys.call("listOperations", { apiKeyId: id }, { apiKey: strangerKey.secret }))).toEqual({
      code: status.PERMISSION_DENIED,
      details: `api key ${id} belongs to another service account`,
    });
    // No key and no API key operation under that id: a never-used id, or a service account's.
    for (const unknown of ["ajeneverexisted00000", strangerAccount]) {
      expect(await failure(h.apiKeys.call("listOperations", { apiKeyId: unknown }, h.admin))).toEqual({ code: status.NOT_FOUND, details: `api key ${unknown} not found` });
    }
  });

  it("ListScopes pages through the fixed list", async () => {
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await h.apiKeys.call<ListApiKeyScopesResponse>("listScopes", { pageSize: 4n, pageToken }, h.admin);
      seen.push(...page.scopes);
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken !== "");
    expect(seen).toEqual(API_KEY_SCOPES);
    expect(pages).toBe(Math.ceil(API_KEY_SCOPES.length / 4));
  });
});

describe("ServiceAccountService", () => {
  it("Create, Get, List (with filter), duplicate name, Delete cascades to keys", async () => {
    const id = await createAccount("cascade-me");
    const got = await h.accounts.call<ServiceAccount>("get", { serviceAccountId: id }, h.admin);
    expect([got.name, got.folderId]).toEqual(["cascade-me", "folder1"]);
    const filtered = await h.accounts.call<ListServiceAccountsResponse>("list", { folderId: "folder1", filter: 'name="cascade-me"' }, h.admin);
    expect(filtered.serviceAccounts.map((account) => account.id)).toEqual([id]);
    expect(await failure(h.accounts.call("create", { folderId: "folder1", name: "cascade-me" }, h.admin))).toEqual({
      code: status.ALREADY_EXISTS,
      details: 'name: a service account named "cascade-me" already exists in folder folder1',
    });
    // The same name in another folder is fine.
    await h.accounts.call<Operation>("create", { folderId: "folder2", name: "cascade-me" }, h.admin);

    const key = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: id }, h.admin);
    const op = await h.accounts.call<Operation>("delete", { serviceAccountId: id }, h.admin);
    expect(op.done).toBe(true);
    expect((await failure(h.apiKeys.call("get", { apiKeyId: key.apiKey?.id }, h.admin))).code).toBe(status.NOT_FOUND);
    expect((await failure(h.apiKeys.call("get", {}, { apiKey: key.secret }))).code).toBe(status.UNAUTHENTICATED);
    expect((await failure(h.accounts.call("get", { serviceAccountId: id }, h.admin))).code).toBe(status.NOT_FOUND);
  });

  it("Create of keys for an unknown account is NOT_FOUND", async () => {
    expect(await failure(h.apiKeys.call("create", { serviceAccountId: "ajeunknown" }, h.admin))).toEqual({
      code: status.NOT_FOUND,
      details: "service account ajeunknown not found",
    });
  });
});
