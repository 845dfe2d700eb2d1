import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { collect, rejectionOf, startFixture } from "./fixture.js";
import type { ServerFixture } from "./fixture.js";

// Operations that complete only after a delay, so that they are done=false when returned and
// the client's polling runs for real. The delay is long compared with one local RPC, so that
// the cancel test can reach the operation while it is still running.
const OPERATION_DELAY_MS = 2000;

let fixture: ServerFixture;
let client: ApiKeyClient;
let accountId: string;

beforeAll(async () => {
  fixture = await startFixture({ operationDelayMs: OPERATION_DELAY_MS });
  client = fixture.client();
  accountId = (await client.createServiceAccount({ folderId: "b1goperations", name: "ops" })).id;
});
afterAll(async () => fixture?.close());

async function newKey(): Promise<string> {
  return (await client.createApiKey({ serviceAccountId: accountId, description: "ops" })).apiKey?.id ?? "";
}

describe("waiting for operations", () => {
  it("polls OperationService.Get until a delayed Update is done, then returns the updated key", async () => {
    const id = await newKey();
    const before = client.rpcCounts.get("OperationService/Get") ?? 0;
    const updated = await client.updateApiKey({ apiKeyId: id, updateMask: { paths: ["scopes"] }, scopes: ["x.y"] });
    expect(updated.scopes).toEqual(["x.y"]);
    // The client polls only an operation that came back done=false.
    expect((client.rpcCounts.get("OperationService/Get") ?? 0) - before).toBeGreaterThanOrEqual(1);
    expect((await client.getApiKey(id)).scopes).toEqual(["x.y"]);
  });

  it("turns an operation's error into an ApiError with its code (a cancelled Update)", async () => {
    const id = await newKey();
    const pending = client.updateApiKey({ apiKeyId: id, updateMask: { paths: ["description"] }, description: "never applied" });
    pending.catch(() => {}); // observed below; avoid an unhandled rejection meanwhile
    let running;
    for (let poll = 0; !running && poll < 200; poll++) {
      running = (await collect(client.listApiKeyOperations(id))).find((operation) => !operation.done);
    }
    if (!running) throw new Error("the Update's operation never showed up as running");
    const cancelled = await client.cancelOperation(running.id);
    expect(cancelled.done).toBe(true);

    const error = (await rejectionOf(pending)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(Code.CANCELLED);
    expect((await client.getApiKey(id)).description).toBe("ops");
  });

  it("gives up at the wait's deadline with DEADLINE_EXCEEDED naming the operation", async () => {
    const id = await newKey();
    const impatient = fixture.client({ operationTimeoutMs: 100 });
    const error = (await rejectionOf(impatient.deleteApiKey(id))) as ApiError;
    expect(error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(error.rawMessage).toMatch(/^operation \S+ is not done after 100 ms$/);
  });
});
