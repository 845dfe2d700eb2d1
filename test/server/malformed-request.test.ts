import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, makeGenericClientConstructor, Metadata, status, type Client, type ServiceError } from "@grpc/grpc-js";
import { startHarness, type Harness } from "./harness.js";

/**
 * Request bytes that are not a valid encoding of the request message, sent raw over real
 * gRPC (as a buggy or hostile client would): INVALID_ARGUMENT naming the field, never
 * INTERNAL, and nothing of the bytes echoed back.
 */
let h: Harness;
let raw: Client;

const identity = (bytes: Buffer) => bytes;
const rawMethod = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
const PATHS = {
  get: "/yandex.cloud.iam.v1.ApiKeyService/Get",
  update: "/yandex.cloud.iam.v1.ApiKeyService/Update",
  createAccount: "/yandex.cloud.iam.v1.ServiceAccountService/Create",
  getOperation: "/yandex.cloud.operation.OperationService/Get",
} as const;

beforeAll(async () => {
  h = await startHarness();
  const Constructor = makeGenericClientConstructor(Object.fromEntries(Object.entries(PATHS).map(([name, path]) => [name, rawMethod(path)])), "Raw");
  raw = new Constructor(h.server.address, credentials.createInsecure());
});
afterAll(async () => {
  raw.close();
  await h.close();
});

function send(method: keyof typeof PATHS, bytes: number[], authorization: string): Promise<string> {
  const metadata = new Metadata();
  metadata.set("authorization", authorization);
  const fn = (raw as unknown as Record<string, (request: Buffer, metadata: Metadata, callback: (error: ServiceError | null) => void) => void>)[method];
  return new Promise((resolve) => fn?.call(raw, Buffer.from(bytes), metadata, (error) => resolve(error ? `${error.code} ${error.details}` : "OK")));
}

const ascii = (text: string) => [...Buffer.from(text, "ascii")];
const SECRETISH = "AQVNmustNotBeEchoedBack";
const invalid = (details: string) => `${status.INVALID_ARGUMENT} ${details}`;

describe("malformed request bytes", () => {
  it.each([
    { reason: "invalid UTF-8 in a string field", method: "get", bytes: [0x0a, 0x02, 0xff, 0xfe], want: invalid("api_key_id: is not valid UTF-8") },
    { reason: "a length past the end of the message", method: "get", bytes: [0x0a, 0x40, ...ascii(SECRETISH)], want: invalid("api_key_id: is truncated or malformed") },
    { reason: "a truncated length varint", method: "get", bytes: [0x0a, 0x80], want: invalid("api_key_id: is truncated or malformed") },
    { reason: "a truncated tag", method: "get", bytes: [0x80], want: invalid("request: is truncated or malformed") },
    { reason: "invalid UTF-8 in a repeated string", method: "update", bytes: [0x0a, 0x01, 0x61, 0x22, 0x01, 0xc3], want: invalid("scopes: is not valid UTF-8") },
    { reason: "invalid UTF-8 inside a nested message", method: "update", bytes: [0x12, 0x03, 0x0a, 0x01, 0xff], want: invalid("update_mask.paths: is not valid UTF-8") },
    { reason: "a truncated field inside a nested message", method: "update", bytes: [0x2a, 0x02, 0x10, 0xff], want: invalid("expires_at.nanos: is truncated or malformed") },
    { reason: "invalid UTF-8 in a map value", method: "createAccount", bytes: [0x22, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0xff], want: invalid("labels: has an entry that is not valid UTF-8") },
    { reason: "OperationService too", method: "getOperation", bytes: [0x0a, 0x01, 0xff], want: invalid("operation_id: is not valid UTF-8") },
    { reason: "well-formed bytes still work", method: "getOperation", bytes: [0x0a, 0x01, 0x78], want: `${status.NOT_FOUND} operation x not found` },
  ] as const)("$reason", async ({ method, bytes, want }) => {
    const got = await send(method, [...bytes], `Bearer ${h.server.adminToken}`);
    expect(got).toBe(want);
    expect(got).not.toContain(SECRETISH);
  });

  it("authenticates before it looks at the bytes", async () => {
    expect(await send("get", [0x0a, 0x02, 0xff, 0xfe], "Bearer wrong")).toBe(`${status.UNAUTHENTICATED} invalid bearer token`);
  });
});
