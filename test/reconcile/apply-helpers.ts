import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "../../src/client/index.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { startServer } from "../../src/server/index.js";
import type { RunningServer } from "../../src/server/index.js";
import type { ApiKeyConfig, DesiredKey, DesiredState, ObservedKey } from "../../src/reconcile/types.js";

/** A real keyform server on an ephemeral loopback port, its admin client, and a temp dir for state. */
export interface ApplyFixture {
  readonly server: RunningServer;
  readonly dir: string;
  /** The server's data dir (under dir). */
  readonly dataDir: string;
  readonly client: ApiKeyClient;
  /** Creates a service account and returns its id. */
  account(name: string): Promise<string>;
  /** A client authenticated with an API key secret (proves the secret works). */
  clientWithSecret(secret: string): ApiKeyClient;
  /** Every key of an account, via List. */
  keysOf(accountId: string): Promise<ObservedKey[]>;
  /** Stops everything and removes the temp dir; `snapshotTo` first copies the stopped server's data dir there. */
  close(options?: { snapshotTo?: string }): Promise<void>;
}

/**
 * Starts the fixture; `seedFrom` copies a stopped server's data dir first (a snapshot of a
 * store, so that a test can start many runs from the same keys).
 */
export async function startApplyFixture(options: { createDemoServiceAccounts?: boolean; seedFrom?: string } = {}): Promise<ApplyFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "keyform-apply-test-"));
  if (options.seedFrom) cpSync(options.seedFrom, path.join(dir, "server"), { recursive: true });
  const server = await startServer({ listen: "127.0.0.1:0", dataDir: path.join(dir, "server"), createDemoServiceAccounts: options.createDemoServiceAccounts });
  const clients: ApiKeyClient[] = [];
  const open = (credentials: Parameters<typeof createClient>[0]["credentials"]) => {
    const client = createClient({ endpoint: server.address, credentials, tls: false });
    clients.push(client);
    return client;
  };
  const client = open({ kind: "bearer", token: server.adminToken });
  const { toObservedKey } = await import("../../src/reconcile/refresh.js");
  return {
    server,
    dir,
    dataDir: path.join(dir, "server"),
    client,
    async account(name) {
      const account = await client.createServiceAccount({ folderId: "b1gtestfolder0000001", name });
      return account.id;
    },
    clientWithSecret: (secret) => open({ kind: "api-key", secret }),
    async keysOf(accountId) {
      const keys: ObservedKey[] = [];
      for await (const key of client.listApiKeys(accountId)) keys.push(toObservedKey(key));
      return keys;
    },
    async close(options = {}) {
      for (const each of clients) each.close();
      await server.close();
      if (options.snapshotTo) cpSync(path.join(dir, "server"), options.snapshotTo, { recursive: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A configuration with only the service account set. */
export function configFor(serviceAccountId: string, overrides: Partial<ApiKeyConfig> = {}): ApiKeyConfig {
  return { service_account_id: serviceAccountId, description: null, scopes: null, expires_at: null, rotate_after: null, keepers: null, age_recipients: null, ...overrides };
}

export function desiredKey(name: string, config: ApiKeyConfig, lifecycle: Partial<DesiredKey["lifecycle"]> = {}): DesiredKey {
  return { address: `keyform_api_key.${name}`, config, lifecycle: { create_before_destroy: false, prevent_destroy: false, ignore_changes: [], ...lifecycle } };
}

export function desiredState(keys: DesiredKey[], extra: Partial<DesiredState> = {}): DesiredState {
  return {
    stack: "test",
    file: "test/cdk.tf.json",
    keys,
    listings: [],
    outputs: [],
    exclusive_service_accounts: [],
    provider: { endpoint: null, data_dir: null, insecure: null, ca_file: null },
    ...extra,
  };
}
