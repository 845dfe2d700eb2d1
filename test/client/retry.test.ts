import { createServer, connect as tcpConnect } from "node:net";
import type { Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import { createClient } from "../../src/client/index.js";
import { collect, rejectionOf, startFixture } from "./fixture.js";
import type { ServerFixture } from "./fixture.js";

/**
 * A TCP proxy in front of the real server that, when armed, drops the connection at the
 * moment the server's answer carrying a secret (`AQVN...`) comes back: the server has
 * committed the Create, the client never hears of it and sees a real UNAVAILABLE
 * ("Connection dropped"). It disarms itself after one cut.
 */
interface CuttingProxy {
  readonly address: string;
  armed: boolean;
  cuts: number;
  close(): Promise<void>;
}

async function startCuttingProxy(upstreamAddress: string): Promise<CuttingProxy> {
  const [host, port] = [upstreamAddress.slice(0, upstreamAddress.lastIndexOf(":")), Number(upstreamAddress.slice(upstreamAddress.lastIndexOf(":") + 1))];
  const sockets = new Set<Socket>();
  const proxy: CuttingProxy = { address: "", armed: false, cuts: 0, close: async () => {} };
  const server: Server = createServer((downstream) => {
    const upstream = tcpConnect(port, host);
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    downstream.on("data", (chunk: Buffer) => upstream.write(chunk));
    upstream.on("data", (chunk: Buffer) => {
      if (proxy.armed && chunk.includes("AQVN")) {
        proxy.armed = false;
        proxy.cuts++;
        downstream.destroy();
        upstream.destroy();
        return;
      }
      downstream.write(chunk);
    });
    downstream.on("close", () => upstream.destroy());
    upstream.on("close", () => downstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no TCP address");
  return Object.assign(proxy, {
    address: `127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

let fixture: ServerFixture;
let proxy: CuttingProxy;
let accountId: string;

beforeAll(async () => {
  fixture = await startFixture();
  proxy = await startCuttingProxy(fixture.server.address);
  accountId = (await fixture.client().createServiceAccount({ folderId: "b1gretries", name: "retries" })).id;
});
afterAll(async () => {
  await proxy?.close();
  await fixture?.close();
});

describe("retries", () => {
  it("retries a Create whose answer was lost with the same idempotency key: one key, and its secret works", async () => {
    const client = fixture.client({ endpoint: proxy.address, initialBackoffMs: 20 });
    proxy.armed = true;
    const { apiKey, secret } = await client.createApiKey({ serviceAccountId: accountId, description: "lost answer" });
    expect(proxy.cuts).toBe(1);
    expect(client.rpcCounts.get("ApiKeyService/Create")).toBe(2);

    const keys = await collect(fixture.client().listApiKeys(accountId));
    expect(keys.filter((key) => key.description === "lost answer").map((key) => key.id)).toEqual([apiKey?.id]);
    // The replayed answer carries the same secret, which authenticates as the account.
    const asAccount = fixture.client({ credentials: { kind: "api-key", secret } });
    expect((await asAccount.getApiKey(apiKey?.id ?? "")).id).toBe(apiKey?.id);
  });

  it("gives up after maxAttempts with UNAVAILABLE, counting every attempt, without the token in the message", async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const token = "secret-token-that-must-not-leak";
    const client = createClient({ endpoint: `127.0.0.1:${port}`, credentials: { kind: "bearer", token }, tls: false, maxAttempts: 3, initialBackoffMs: 10 });
    try {
      const error = (await rejectionOf(client.getApiKey("ajeanything"))) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.code).toBe(Code.UNAVAILABLE);
      expect(error.message).not.toContain(token);
      expect(client.rpcCounts.get("ApiKeyService/Get")).toBe(3);
    } finally {
      client.close();
    }
  });

  it("succeeds once a server comes up on the port mid-retries", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    await new Promise<void>((resolve) => holder.close(() => resolve()));

    const client = createClient({
      endpoint: `127.0.0.1:${port}`,
      credentials: { kind: "bearer", token: fixture.server.adminToken },
      tls: false,
      maxAttempts: 30,
      initialBackoffMs: 50,
    });
    try {
      // The first attempt fails (nothing listens); the proxy below starts listening on that
      // port only after the first failure has been counted.
      const pending = client.getServiceAccount(accountId);
      while ((client.rpcCounts.get("ServiceAccountService/Get") ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const late = await startForwarder(port, fixture.server.address);
      try {
        expect((await pending).id).toBe(accountId);
      } finally {
        await late.close();
      }
    } finally {
      client.close();
    }
  });
});

/** A plain forwarder on a fixed local port to the real server (the server "coming up"). */
async function startForwarder(port: number, upstreamAddress: string): Promise<{ close(): Promise<void> }> {
  const upstreamPort = Number(upstreamAddress.slice(upstreamAddress.lastIndexOf(":") + 1));
  const sockets = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = tcpConnect(upstreamPort, "127.0.0.1");
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
