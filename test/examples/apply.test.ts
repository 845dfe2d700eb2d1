import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, type RunningServer } from "../../src/server/index.js";
import { createClient } from "../../src/client/index.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";
import { EXAMPLES, repoRoot, synthesizeExample } from "./example-helpers.js";

/**
 * Each example end to end: synthesize, `keyform apply --auto-approve` against a real server
 * (gRPC on an ephemeral loopback port, SQLite in a temp dir), then `keyform plan
 * --detailed-exitcode` must report no changes (exit 0). Needs `npm run build` (bin/keyform.js
 * runs dist/).
 */
interface Fixture {
  readonly server: RunningServer;
  readonly client: ApiKeyClient;
  readonly dir: string;
}
const fixtures: Fixture[] = [];

async function startFixture(): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyform-examples-apply-"));
  const server = await startServer({ listen: "127.0.0.1:0", dataDir: path.join(dir, "server"), createDemoServiceAccounts: true });
  const client = createClient({ endpoint: server.address, credentials: { kind: "bearer", token: server.adminToken }, tls: false });
  const fixture = { server, client, dir };
  fixtures.push(fixture);
  return fixture;
}

afterEach(async () => {
  for (const fixture of fixtures.splice(0)) {
    fixture.client.close();
    await fixture.server.close();
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
});

/**
 * Runs `keyform <args>` against the fixture's server. Asynchronous on purpose: the server runs
 * in this process, so a synchronous spawn would block the event loop that must answer it.
 */
function keyform(fixture: Fixture, project: string, ...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/keyform.js"), ...args, "--dir", project], {
      cwd: project,
      env: { ...process.env, KEYFORM_ENDPOINT: fixture.server.address, KEYFORM_TOKEN: fixture.server.adminToken, KEYFORM_INSECURE: "1", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** Ids of the keys the server holds, per service account. */
async function keyIdsByAccount(client: ApiKeyClient): Promise<Map<string, string[]>> {
  const byAccount = new Map<string, string[]>();
  for (const account of DEMO_SERVICE_ACCOUNTS) {
    const ids: string[] = [];
    for await (const key of client.listApiKeys(account.id)) ids.push(key.id);
    byAccount.set(account.id, ids);
  }
  return byAccount;
}

describe("examples apply against a real server, then plan is empty", () => {
  it.each(EXAMPLES.map((name) => ({ name })))(
    "$name",
    async ({ name }) => {
      const fixture = await startFixture();
      const project = path.join(fixture.dir, name);
      const stack = synthesizeExample(name, path.join(project, "cdktf.out"));

      // Keys that no resource declares: deleted under exclusive accounts, left alone elsewhere.
      const [demoApp, demoBilling] = DEMO_SERVICE_ACCOUNTS;
      const strayInApp = (await fixture.client.createApiKey({ serviceAccountId: demoApp.id, description: "stray" })).apiKey?.id;
      const strayInBilling = (await fixture.client.createApiKey({ serviceAccountId: demoBilling.id, description: "stray" })).apiKey?.id;

      const apply = await keyform(fixture, project, "apply", "--auto-approve");
      expect(apply.output, apply.output).not.toContain(fixture.server.adminToken);
      expect(apply.status, apply.output).toBe(0);

      const plan = await keyform(fixture, project, "plan", "--detailed-exitcode");
      expect(plan.status, plan.output).toBe(0);

      const exclusive = new Set((stack.provider.keyform[0]?.exclusive_service_accounts as string[] | undefined) ?? []);
      const declared = new Map<string, number>();
      for (const key of Object.values(stack.resource.keyform_api_key)) {
        const account = key.service_account_id as string;
        declared.set(account, (declared.get(account) ?? 0) + 1);
      }
      const onServer = await keyIdsByAccount(fixture.client);
      for (const account of DEMO_SERVICE_ACCOUNTS) {
        const ids = onServer.get(account.id) ?? [];
        const stray = account.id === demoApp.id ? strayInApp : account.id === demoBilling.id ? strayInBilling : undefined;
        const strayKept = stray !== undefined && !exclusive.has(account.id);
        expect(ids.length, `keys of ${account.name}`).toBe((declared.get(account.id) ?? 0) + (strayKept ? 1 : 0));
        if (stray) expect(ids.includes(stray), `stray key of ${account.name}`).toBe(strayKept);
      }
    },
    120_000,
  );
});
