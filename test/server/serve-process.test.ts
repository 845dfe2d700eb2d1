import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import type { ApiKey } from "../../src/gen/yandex/cloud/iam/v1/api_key_pb.js";
import { ApiKeyService, type CreateApiKeyResponse } from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../../src/gen/yandex/cloud/iam/v1/service_account_pb.js";
import { ServiceAccountService } from "../../src/gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import type { Operation } from "../../src/gen/yandex/cloud/operation/operation_pb.js";
import { failure, rawClient } from "./harness.js";

/**
 * `keyform serve` as a real process (bin/keyform.js -> dist/, so `npm run build` first):
 * acknowledged writes (creates, updates, deletes) survive SIGKILL of the server; the flags.
 */
const BIN = resolve(import.meta.dirname, "../../bin/keyform.js");
const dataDir = mkdtempSync(join(tmpdir(), "keyform-serve-crash-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function startServe(directory = dataDir, extraArgs: string[] = []): Promise<{ child: ChildProcess; address: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", directory, ...extraArgs], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  return new Promise((resolveStarted, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /keyform serve listening on (\S+) /.exec(stderr);
      if (match?.[1]) resolveStarted({ child, address: match[1], stderr: () => stderr });
    });
    child.on("exit", (code) => reject(new Error(`keyform serve exited with ${code}: ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    child.on("exit", () => resolveExit());
    child.kill("SIGKILL");
  });
}

describe("keyform serve", () => {
  it("keeps every acknowledged write across SIGKILL and restart", async () => {
    const first = await startServe();
    expect(first.stderr()).toContain(`admin token in ${join(dataDir, "admin-token")}`);
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    expect(first.stderr()).not.toContain(token);
    expect(statSync(join(dataDir, "admin-token")).mode & 0o777).toBe(0o600);
    const admin = { bearer: token };

    let accounts = rawClient(first.address, ServiceAccountService);
    let keys = rawClient(first.address, ApiKeyService);
    const op = await accounts.call<Operation>("create", { folderId: "crash", name: "crash" }, admin);
    if (op.result.case !== "response") throw new Error("account not created");
    const accountId = anyUnpack(op.result.value, ServiceAccountSchema)?.id ?? "";

    // Acknowledged writes: sequential and concurrent creates, then updates of some of them and
    // deletes of others.
    const acknowledged: CreateApiKeyResponse[] = [];
    for (let index = 0; index < 20; index++) {
      acknowledged.push(await keys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId, description: `seq-${index}` }, admin));
    }
    acknowledged.push(
      ...(await Promise.all(
        Array.from({ length: 30 }, (_, index) => keys.call<CreateApiKeyResponse>("create", { serviceAccountId: accountId, description: `par-${index}` }, admin)),
      )),
    );
    const updatedIds = acknowledged.slice(0, 10).map((created) => created.apiKey?.id ?? "");
    await Promise.all(
      updatedIds.map((apiKeyId) => keys.call<Operation>("update", { apiKeyId, updateMask: { paths: ["description"] }, description: `updated-${apiKeyId}` }, admin)),
    );
    const deleted = acknowledged.slice(10, 18);
    await Promise.all(deleted.map((created) => keys.call<Operation>("delete", { apiKeyId: created.apiKey?.id }, admin)));
    await killed(first.child); // right after the last acknowledgement
    accounts.close();
    keys.close();

    const second = await startServe();
    keys = rawClient(second.address, ApiKeyService);
    accounts = rawClient(second.address, ServiceAccountService);
    try {
      for (const created of deleted) {
        const id = created.apiKey?.id ?? "";
        expect(await failure(keys.call("get", { apiKeyId: id }, admin))).toEqual({ code: status.NOT_FOUND, details: `api key ${id} not found` });
        expect((await failure(keys.call("get", { apiKeyId: id }, { apiKey: created.secret }))).code).toBe(status.UNAUTHENTICATED);
      }
      for (const created of acknowledged.filter((candidate) => !deleted.includes(candidate))) {
        const id = created.apiKey?.id ?? "";
        // The secret still authenticates, and the key is as last acknowledged.
        const key = await keys.call<ApiKey>("get", { apiKeyId: id }, { apiKey: created.secret });
        expect(key.description).toBe(updatedIds.includes(id) ? `updated-${id}` : created.apiKey?.description);
      }
      await killed(second.child);
    } finally {
      keys.close();
      accounts.close();
    }
    expect(existsSync(join(dataDir, "keyform.db"))).toBe(true);
  });

  it("several servers starting at once on a new data dir share one schema, one admin token and one server key", async () => {
    const shared = join(dataDir, "shared");
    const servers = await Promise.all([startServe(shared), startServe(shared), startServe(shared)]);
    const token = readFileSync(join(shared, "admin-token"), "utf8").trim();
    try {
      for (const server of servers) {
        const accounts = rawClient(server.address, ServiceAccountService);
        try {
          await accounts.call("list", { folderId: "shared" }, { bearer: token });
        } finally {
          accounts.close();
        }
      }
    } finally {
      await Promise.all(servers.map((server) => killed(server.child)));
    }
  });

  it("takes extra admin tokens from --admin-token-file and delays operations with --operation-delay", async () => {
    const directory = join(dataDir, "flags");
    const tokenFile = join(dataDir, "extra-tokens");
    writeFileSync(tokenFile, "# extra admins\nextra-token-one\n\nextra-token-two\n");
    const server = await startServe(directory, ["--admin-token-file", tokenFile, "--operation-delay", "60000"]);
    const accounts = rawClient(server.address, ServiceAccountService);
    try {
      const op = await accounts.call<Operation>("create", { folderId: "flags", name: "flags" }, { bearer: "extra-token-two" });
      expect(op.done).toBe(false);
      await expect(accounts.call("list", { folderId: "flags" }, { bearer: "# extra admins" })).rejects.toMatchObject({ code: 16 });
    } finally {
      accounts.close();
      await killed(server.child);
    }
  });

  it("serves plaintext on a non-loopback address only with --insecure-plaintext", async () => {
    const directory = join(dataDir, "insecure");
    const server = await startServe(directory, ["--listen", "0.0.0.0:0", "--insecure-plaintext"]);
    const port = server.address.slice(server.address.lastIndexOf(":") + 1);
    expect(server.address).toBe(`0.0.0.0:${port}`);
    const accounts = rawClient(`127.0.0.1:${port}`, ServiceAccountService);
    try {
      const token = readFileSync(join(directory, "admin-token"), "utf8").trim();
      await accounts.call("list", { folderId: "insecure" }, { bearer: token });
    } finally {
      accounts.close();
      await killed(server.child);
    }
  });

  it("serves TLS on a non-loopback address without --insecure-plaintext", async () => {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "localhost" }], { keySize: 2048, algorithm: "sha256" });
    const certFile = join(dataDir, "tls.crt");
    const keyFile = join(dataDir, "tls.key");
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    const server = await startServe(join(dataDir, "tls"), ["--listen", "0.0.0.0:0", "--tls-cert", certFile, "--tls-key", keyFile]);
    expect(server.address).toMatch(/^0\.0\.0\.0:\d+$/);
    await killed(server.child);
  });

  it.each([
    { reason: "--tls-cert without --tls-key", args: ["--tls-cert", "/nonexistent.pem"], want: "Error: --tls-cert and --tls-key must be given together" },
    { reason: "a negative --operation-delay", args: ["--operation-delay=-5"], want: 'Error: --operation-delay: expected a non-negative integer of milliseconds, got "-5"' },
    { reason: "a missing --admin-token-file", args: ["--admin-token-file", "/nonexistent-tokens"], want: "Error: --admin-token-file /nonexistent-tokens: ENOENT" },
    ...["0.0.0.0:0", "[::]:0", ":0", "192.0.2.1:0"].map((listen) => ({
      reason: `plaintext on non-loopback --listen ${listen}`,
      args: ["--listen", listen],
      want: `Error: --listen ${listen} is not a loopback address, and without TLS credentials would cross the network in clear: give --tls-cert and --tls-key, or --insecure-plaintext to accept that`,
    })),
  ])("refuses $reason with exit code 2", ({ args, want }) => {
    const result = spawnSync(process.execPath, [BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", join(dataDir, "refused"), ...args], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(want);
  });
});
