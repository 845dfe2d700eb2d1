import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/server/index.js";
import type { RunningServer, ServerOptions } from "../../src/server/index.js";
import { createClient } from "../../src/client/index.js";
import type { ApiKeyClient, ClientOptions } from "../../src/client/index.js";

/** A real server on an ephemeral loopback port over a SQLite file in a fresh temp dir. */
export interface ServerFixture {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** An admin client over plaintext loopback; extra options override the defaults. */
  client(options?: Partial<ClientOptions>): ApiKeyClient;
  close(): Promise<void>;
}

export async function startFixture(options: Partial<ServerOptions> = {}): Promise<ServerFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), "keyform-client-test-"));
  const server = await startServer({ listen: "127.0.0.1:0", dataDir, ...options });
  const clients: ApiKeyClient[] = [];
  return {
    server,
    dataDir,
    client(clientOptions = {}) {
      const client = createClient({
        endpoint: server.address,
        credentials: { kind: "bearer", token: server.adminToken },
        tls: false,
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the call succeeded");
}
