import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import { OperationService } from "../../src/gen/yandex/cloud/operation/operation_service_pb.js";
import { ApiError, Code } from "../../src/api-error.js";
import { createAuthenticator } from "../../src/server/auth.js";
import { sha256Hex } from "../../src/server/credentials-format.js";
import { bindService } from "../../src/server/grpc-binding.js";
import { createRedactor } from "../../src/server/redact.js";
import { openSqliteStore, type Store } from "../../src/store/index.js";
import { failure, rawClient, type RawClient } from "./harness.js";

/**
 * The unary adapter over real gRPC: what a failure of the service logic looks like to a
 * client, and what reaches the trace log.
 */
const dataDir = mkdtempSync(join(tmpdir(), "keyform-unary-"));
const token = "unary-test-admin-token";
let store: Store;
let server: Server;
let client: RawClient;

const SECRET_IN_CAUSE = "AQVNthisMustNeverReachAClient000000000000";

beforeAll(async () => {
  store = openSqliteStore(dataDir);
  server = new Server();
  const logic = {
    get: async (request: { operationId: string }) => {
      if (request.operationId === "internal") throw new Error(`driver exploded near ${SECRET_IN_CAUSE} (authorization: Api-Key some-credential; admin ${token})`);
      if (request.operationId === "typed") throw new ApiError(Code.FAILED_PRECONDITION, "operation_id: typed failure");
      return { id: request.operationId, done: true };
    },
    cancel: async () => {
      throw new TypeError("synchronous-looking bug");
    },
  };
  const bound = bindService(OperationService, logic, createAuthenticator(store, [sha256Hex(token)]), createRedactor([token]));
  server.addService(bound.definition, bound.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  client = rawClient(`127.0.0.1:${port}`, OperationService);
});
afterAll(async () => {
  client.close();
  server.forceShutdown();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("unary adapter", () => {
  it.each([
    { reason: "success passes the response through", id: "op1", want: "OK" },
    { reason: "an ApiError keeps its code and message", id: "typed", want: `${status.FAILED_PRECONDITION} operation_id: typed failure` },
    { reason: "any other error is INTERNAL with a generic message", id: "internal", want: `${status.INTERNAL} internal error` },
  ])("$reason", async ({ id, want }) => {
    const got = await client.call("get", { operationId: id }, { bearer: token }).then(
      () => "OK",
      (error: { code: number; details: string }) => `${error.code} ${error.details}`,
    );
    expect(got).toBe(want);
  });

  it("rejects before the logic runs when unauthenticated", async () => {
    expect(await failure(client.call("cancel", { operationId: "x" }, { bearer: "wrong" }))).toEqual({ code: status.UNAUTHENTICATED, details: "invalid bearer token" });
  });

  it("logs internal errors with KEYFORM_TRACE=server, and the client sees only 'internal error'", async () => {
    const previous = process.env.KEYFORM_TRACE;
    process.env.KEYFORM_TRACE = "server";
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const error = await failure(client.call("cancel", { operationId: "x" }, { bearer: token }));
      expect(error).toEqual({ code: status.INTERNAL, details: "internal error" });
      const internal = await failure(client.call("get", { operationId: "internal" }, { bearer: token }));
      expect(internal.details).not.toContain(SECRET_IN_CAUSE);
    } finally {
      spy.mockRestore();
      process.env.KEYFORM_TRACE = previous;
      if (previous === undefined) delete process.env.KEYFORM_TRACE;
    }
    const log = written.join("");
    expect(log).toContain("yandex.cloud.operation.OperationService/Cancel failed: TypeError: synchronous-looking bug");
    expect(log).toContain("yandex.cloud.operation.OperationService/Get failed: Error: driver exploded near [redacted] (authorization: Api-Key [redacted] admin [redacted])");
    for (const secret of [SECRET_IN_CAUSE, "some-credential", token]) expect(log).not.toContain(secret);
  });
});
