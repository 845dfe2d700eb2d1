import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { CreateApiKeyResponse } from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import type { Operation } from "../../src/gen/yandex/cloud/operation/operation_pb.js";
import { startHarness, type Harness, type RawClient } from "./harness.js";

/** Every limit of api-facts.md, one past its edge (INVALID_ARGUMENT naming the field) and at it. */

let h: Harness;
const ids = { account: "", key: "", crowded: "", busyKey: "" };
const BEYOND_DEFAULT_PAGE = 101;

async function createAccount(name: string): Promise<string> {
  const op = await h.accounts.call<Operation>("create", { folderId: "limits", name }, h.admin);
  if (op.result.case !== "response") throw new Error(`account ${name} not created`);
  return anyUnpack(op.result.value, ServiceAccountSchema)?.id ?? "";
}

beforeAll(async () => {
  h = await startHarness();
  ids.account = await createAccount("limits");
  const created = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: ids.account, scopes: ["a"] }, h.admin);
  ids.key = created.apiKey?.id ?? "";

  // One more than the default page (100) of keys in one account and of operations on one key.
  ids.crowded = await createAccount("crowded");
  for (let index = 0; index < BEYOND_DEFAULT_PAGE; index++) {
    const key = await h.apiKeys.call<CreateApiKeyResponse>("create", { serviceAccountId: ids.crowded }, h.admin);
    ids.busyKey = key.apiKey?.id ?? "";
  }
  for (let index = 0; index < BEYOND_DEFAULT_PAGE; index++) {
    await h.apiKeys.call("update", { apiKeyId: ids.busyKey, updateMask: { paths: ["description"] }, description: `${index}` }, h.admin);
  }
});
afterAll(() => h.close());

const MAX_EXPIRES_SECONDS = BigInt(Date.UTC(2105, 11, 31, 23, 59, 59) / 1000);
const between = "must be between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59.999999999Z";
const x = (count: number, char = "x") => char.repeat(count);
const scopes = (count: number) => Array.from({ length: count }, (_, index) => `scope-${index}`);
const labels = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, "v"]));

type Service = "apiKeys" | "accounts" | "operations";
interface Case {
  reason: string;
  service: Service;
  method: string;
  request: () => object;
  /** "OK", or "<code> <details>". */
  want: string;
}

const invalid = (details: string) => `3 ${details}`;
const cases: Case[] = [
  // ApiKeyService.Get
  { reason: "Get api_key_id empty", service: "apiKeys", method: "get", request: () => ({ apiKeyId: "" }), want: invalid("api_key_id: is required") },
  { reason: "Get api_key_id 51", service: "apiKeys", method: "get", request: () => ({ apiKeyId: x(51) }), want: invalid("api_key_id: must be at most 50 characters") },
  { reason: "Get api_key_id 50", service: "apiKeys", method: "get", request: () => ({ apiKeyId: x(50) }), want: `5 api key ${x(50)} not found` },
  // ApiKeyService.List
  { reason: "List service_account_id 51", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: x(51) }), want: invalid("service_account_id: must be at most 50 characters") },
  { reason: "List service_account_id 50", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: x(50) }), want: `5 service account ${x(50)} not found` },
  { reason: "List page_size -1", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageSize: -1n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "List page_size 1001", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageSize: 1001n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "List page_size 1000", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageSize: 1000n }), want: "OK" },
  { reason: "List page_size 0", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageSize: 0n }), want: "OK" },
  { reason: "List page_token 2001", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageToken: x(2001) }), want: invalid("page_token: must be at most 2000 characters") },
  { reason: "List page_token 2000 (length ok, not ours)", service: "apiKeys", method: "list", request: () => ({ serviceAccountId: ids.account, pageToken: x(2000) }), want: invalid("page_token: is not a page token issued for this listing") },
  // ApiKeyService.Create
  { reason: "Create service_account_id 51", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: x(51) }), want: invalid("service_account_id: must be at most 50 characters") },
  { reason: "Create service_account_id 50", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: x(50) }), want: `5 service account ${x(50)} not found` },
  { reason: "Create description 257", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, description: x(257) }), want: invalid("description: must be at most 256 characters (got 257)") },
  { reason: "Create description 256 multi-byte characters", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, description: x(256, "ё") }), want: "OK" },
  { reason: "Create scope 257", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scope: x(257) }), want: invalid("scope: must be at most 256 characters") },
  { reason: "Create scope 256", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scope: x(256) }), want: "OK" },
  { reason: "Create scopes 101", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scopes: scopes(101) }), want: invalid("scopes: must have at most 100 items (got 101)") },
  { reason: "Create scopes 100", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scopes: scopes(100) }), want: "OK" },
  { reason: "Create scopes duplicate", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scopes: ["s", "s"] }), want: invalid('scopes[1]: duplicates scope "s"') },
  { reason: "Create scope item 257", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scopes: [x(257)] }), want: invalid("scopes[0]: must be at most 256 characters") },
  { reason: "Create scope item 256", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, scopes: [x(256)] }), want: "OK" },
  { reason: "Create expires_at one second past 2105", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, expiresAt: { seconds: MAX_EXPIRES_SECONDS + 1n } }), want: invalid(`expires_at: ${between}`) },
  { reason: "Create expires_at last nanosecond of 2105", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, expiresAt: { seconds: MAX_EXPIRES_SECONDS, nanos: 999_999_999 } }), want: "OK" },
  { reason: "Create expires_at before 1970", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, expiresAt: { seconds: -1n } }), want: invalid(`expires_at: ${between}`) },
  { reason: "Create expires_at 1970 (expired, accepted)", service: "apiKeys", method: "create", request: () => ({ serviceAccountId: ids.account, expiresAt: { seconds: 0n } }), want: "OK" },
  // ApiKeyService.Update
  { reason: "Update api_key_id empty", service: "apiKeys", method: "update", request: () => ({ apiKeyId: "", updateMask: { paths: ["description"] } }), want: invalid("api_key_id: is required") },
  { reason: "Update unknown mask path", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["name"] } }), want: invalid('update_mask: unknown path "name"; allowed paths: description, scopes, expires_at') },
  { reason: "Update scopes 0 in mask", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: [] }), want: invalid("scopes: must have at least 1 item when in update_mask") },
  { reason: "Update scopes 1 in mask", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: ["a"] }), want: "OK" },
  { reason: "Update scopes 101", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: scopes(101) }), want: invalid("scopes: must have at most 100 items (got 101)") },
  { reason: "Update scopes 100", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: scopes(100) }), want: "OK" },
  { reason: "Update scopes duplicate", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: ["s", "s"] }), want: invalid('scopes[1]: duplicates scope "s"') },
  { reason: "Update scope item 257", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: [x(257)] }), want: invalid("scopes[0]: must be at most 256 characters") },
  { reason: "Update scope item 256", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["scopes"] }, scopes: [x(256)] }), want: "OK" },
  { reason: "Update absent mask with no scopes", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, description: "d" }), want: invalid("scopes: must have 1 to 100 items (an absent or empty update_mask replaces every mutable field)") },
  { reason: "Update empty mask with no scopes", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: [] } }), want: invalid("scopes: must have 1 to 100 items (an absent or empty update_mask replaces every mutable field)") },
  { reason: "Update absent mask with 1 scope", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, scopes: ["a"] }), want: "OK" },
  { reason: "Update mask without scopes, no scopes sent", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["description"] } }), want: "OK" },
  { reason: "Update description 257", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["description"] }, description: x(257) }), want: invalid("description: must be at most 256 characters (got 257)") },
  { reason: "Update description 256", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["description"] }, description: x(256) }), want: "OK" },
  { reason: "Update expires_at past 2105", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["expires_at"] }, expiresAt: { seconds: MAX_EXPIRES_SECONDS + 1n } }), want: invalid(`expires_at: ${between}`) },
  { reason: "Update expires_at last nanosecond of 2105", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["expires_at"] }, expiresAt: { seconds: MAX_EXPIRES_SECONDS, nanos: 999_999_999 } }), want: "OK" },
  { reason: "Update expires_at before 1970", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["expires_at"] }, expiresAt: { seconds: -1n, nanos: 999_999_999 } }), want: invalid(`expires_at: ${between}`) },
  { reason: "Update expires_at 1970", service: "apiKeys", method: "update", request: () => ({ apiKeyId: ids.key, updateMask: { paths: ["expires_at"] }, expiresAt: { seconds: 0n } }), want: "OK" },
  { reason: "Update api_key_id 51", service: "apiKeys", method: "update", request: () => ({ apiKeyId: x(51), updateMask: { paths: ["description"] } }), want: invalid("api_key_id: must be at most 50 characters") },
  { reason: "Update api_key_id 50", service: "apiKeys", method: "update", request: () => ({ apiKeyId: x(50), updateMask: { paths: ["description"] } }), want: `5 api key ${x(50)} not found` },
  // ApiKeyService.Delete / ListOperations / ListScopes
  { reason: "Delete api_key_id empty", service: "apiKeys", method: "delete", request: () => ({ apiKeyId: "" }), want: invalid("api_key_id: is required") },
  { reason: "Delete api_key_id 51", service: "apiKeys", method: "delete", request: () => ({ apiKeyId: x(51) }), want: invalid("api_key_id: must be at most 50 characters") },
  { reason: "Delete api_key_id 50", service: "apiKeys", method: "delete", request: () => ({ apiKeyId: x(50) }), want: `5 api key ${x(50)} not found` },
  { reason: "ListOperations api_key_id empty", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: "" }), want: invalid("api_key_id: is required") },
  { reason: "ListOperations api_key_id 51", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: x(51) }), want: invalid("api_key_id: must be at most 50 characters") },
  { reason: "ListOperations api_key_id 50", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: x(50) }), want: `5 api key ${x(50)} not found` },
  { reason: "ListOperations page_size -1", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageSize: -1n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "ListOperations page_size 0", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageSize: 0n }), want: "OK" },
  { reason: "ListOperations page_size 1001", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageSize: 1001n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "ListOperations page_size 1000", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageSize: 1000n }), want: "OK" },
  { reason: "ListOperations page_token 2001", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageToken: x(2001) }), want: invalid("page_token: must be at most 2000 characters") },
  { reason: "ListOperations page_token 2000 (length ok, not ours)", service: "apiKeys", method: "listOperations", request: () => ({ apiKeyId: ids.key, pageToken: x(2000) }), want: invalid("page_token: is not a page token issued for this listing") },
  { reason: "ListScopes page_size 1001", service: "apiKeys", method: "listScopes", request: () => ({ pageSize: 1001n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "ListScopes page_size -1", service: "apiKeys", method: "listScopes", request: () => ({ pageSize: -1n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "ListScopes page_size 0", service: "apiKeys", method: "listScopes", request: () => ({ pageSize: 0n }), want: "OK" },
  { reason: "ListScopes page_size 1000", service: "apiKeys", method: "listScopes", request: () => ({ pageSize: 1000n }), want: "OK" },
  { reason: "ListScopes page_token 2001", service: "apiKeys", method: "listScopes", request: () => ({ pageToken: x(2001) }), want: invalid("page_token: must be at most 2000 characters") },
  { reason: "ListScopes page_token 2000 (length ok, not ours)", service: "apiKeys", method: "listScopes", request: () => ({ pageToken: x(2000) }), want: invalid("page_token: is not a page token issued for this listing") },
  // ServiceAccountService
  { reason: "SA Get id empty", service: "accounts", method: "get", request: () => ({ serviceAccountId: "" }), want: invalid("service_account_id: is required") },
  { reason: "SA Get id 51", service: "accounts", method: "get", request: () => ({ serviceAccountId: x(51) }), want: invalid("service_account_id: must be at most 50 characters") },
  { reason: "SA Get id 50", service: "accounts", method: "get", request: () => ({ serviceAccountId: x(50) }), want: `5 service account ${x(50)} not found` },
  { reason: "SA List folder_id empty", service: "accounts", method: "list", request: () => ({ folderId: "" }), want: invalid("folder_id: is required") },
  { reason: "SA List folder_id 51", service: "accounts", method: "list", request: () => ({ folderId: x(51) }), want: invalid("folder_id: must be at most 50 characters") },
  { reason: "SA List folder_id 50", service: "accounts", method: "list", request: () => ({ folderId: x(50) }), want: "OK" },
  { reason: "SA List page_size 1001", service: "accounts", method: "list", request: () => ({ folderId: "f", pageSize: 1001n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "SA List page_size -1", service: "accounts", method: "list", request: () => ({ folderId: "f", pageSize: -1n }), want: invalid("page_size: must be between 0 and 1000") },
  { reason: "SA List page_size 1000", service: "accounts", method: "list", request: () => ({ folderId: "f", pageSize: 1000n }), want: "OK" },
  { reason: "SA List page_token 2001", service: "accounts", method: "list", request: () => ({ folderId: "f", pageToken: x(2001) }), want: invalid("page_token: must be at most 2000 characters") },
  { reason: "SA List page_token 2000 (length ok, not ours)", service: "accounts", method: "list", request: () => ({ folderId: "f", pageToken: x(2000) }), want: invalid("page_token: is not a page token issued for this listing") },
  { reason: "SA List filter 1001", service: "accounts", method: "list", request: () => ({ folderId: "f", filter: x(1001) }), want: invalid("filter: must be at most 1000 characters") },
  { reason: "SA List filter 1000", service: "accounts", method: "list", request: () => ({ folderId: "f", filter: `name="${x(993, "a")}"` }), want: "OK" },
  { reason: "SA Create folder_id empty", service: "accounts", method: "create", request: () => ({ folderId: "", name: "a" }), want: invalid("folder_id: is required") },
  { reason: "SA Create folder_id 51", service: "accounts", method: "create", request: () => ({ folderId: x(51), name: "a" }), want: invalid("folder_id: must be at most 50 characters") },
  { reason: "SA Create folder_id 50", service: "accounts", method: "create", request: () => ({ folderId: x(50), name: "a" }), want: "OK" },
  { reason: "SA Create name empty", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "" }), want: invalid("name: is required") },
  { reason: "SA Create name 64", service: "accounts", method: "create", request: () => ({ folderId: "f", name: x(64, "a") }), want: invalid("name: must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lowercase letters, digits and hyphens, 1-63 characters)") },
  { reason: "SA Create name 63", service: "accounts", method: "create", request: () => ({ folderId: "f", name: x(63, "a") }), want: "OK" },
  { reason: "SA Create name with uppercase", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "Bad" }), want: invalid("name: must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lowercase letters, digits and hyphens, 1-63 characters)") },
  { reason: "SA Create name ending in hyphen", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "bad-" }), want: invalid("name: must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lowercase letters, digits and hyphens, 1-63 characters)") },
  { reason: "SA Create description 257", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "d", description: x(257) }), want: invalid("description: must be at most 256 characters (got 257)") },
  { reason: "SA Create description 256", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "d", description: x(256, "ё") }), want: "OK" },
  { reason: "SA Create labels 65", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "l", labels: labels(65) }), want: invalid("labels: must have at most 64 entries (got 65)") },
  { reason: "SA Create labels 64", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "l", labels: labels(64) }), want: "OK" },
  { reason: "SA Create expires_at past 2105", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "e", expiresAt: { seconds: MAX_EXPIRES_SECONDS + 1n } }), want: invalid(`expires_at: ${between}`) },
  { reason: "SA Create expires_at last nanosecond of 2105", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "e", expiresAt: { seconds: MAX_EXPIRES_SECONDS, nanos: 999_999_999 } }), want: "OK" },
  { reason: "SA Create expires_at before 1970", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "e-early", expiresAt: { seconds: -1n } }), want: invalid(`expires_at: ${between}`) },
  { reason: "SA Create expires_at 1970", service: "accounts", method: "create", request: () => ({ folderId: "f", name: "e-epoch", expiresAt: { seconds: 0n } }), want: "OK" },
  { reason: "SA Delete id empty", service: "accounts", method: "delete", request: () => ({ serviceAccountId: "" }), want: invalid("service_account_id: is required") },
  { reason: "SA Delete id 51", service: "accounts", method: "delete", request: () => ({ serviceAccountId: x(51) }), want: invalid("service_account_id: must be at most 50 characters") },
  { reason: "SA Delete id 50", service: "accounts", method: "delete", request: () => ({ serviceAccountId: x(50) }), want: `5 service account ${x(50)} not found` },
  // OperationService
  { reason: "Operation Get id empty", service: "operations", method: "get", request: () => ({ operationId: "" }), want: invalid("operation_id: is required") },
  { reason: "Operation Get id 51", service: "operations", method: "get", request: () => ({ operationId: x(51) }), want: invalid("operation_id: must be at most 50 characters") },
  { reason: "Operation Get id 50", service: "operations", method: "get", request: () => ({ operationId: x(50) }), want: `5 operation ${x(50)} not found` },
  { reason: "Operation Cancel id empty", service: "operations", method: "cancel", request: () => ({ operationId: "" }), want: invalid("operation_id: is required") },
  { reason: "Operation Cancel id 51", service: "operations", method: "cancel", request: () => ({ operationId: x(51) }), want: invalid("operation_id: must be at most 50 characters") },
  { reason: "Operation Cancel id 50", service: "operations", method: "cancel", request: () => ({ operationId: x(50) }), want: `5 operation ${x(50)} not found` },
];

describe("limits", () => {
  it.each([
    { reason: "List", method: "list", request: () => ({ serviceAccountId: ids.crowded }), items: "apiKeys" },
    { reason: "ListOperations", method: "listOperations", request: () => ({ apiKeyId: ids.busyKey }), items: "operations" },
  ] as const)("$reason page_size 0 returns exactly 100 items when there are 101", async ({ method, request, items }) => {
    type Listing = Record<typeof items, unknown[]> & { nextPageToken: string };
    const pageAfter = (pageToken: string) => h.apiKeys.call<Listing>(method, { ...request(), pageSize: 0n, pageToken }, h.admin);
    const first = await pageAfter("");
    expect([first[items].length, first.nextPageToken === ""]).toEqual([100, false]);
    const rest = await pageAfter(first.nextPageToken);
    expect([rest[items].length, rest.nextPageToken]).toEqual([BEYOND_DEFAULT_PAGE - 100, ""]);
  });

  it.each(cases)("$reason", async ({ service, method, request, want }) => {
    const client = h[service] as RawClient;
    const got = await client.call(method, request(), h.admin).then(
      () => "OK",
      (error: { code: number; details: string }) => `${error.code} ${error.details}`,
    );
    expect(got).toBe(want);
  });
});
