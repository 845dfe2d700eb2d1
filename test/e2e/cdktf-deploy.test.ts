import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index.js";
import type { ApiKeyClient } from "../../src/client/index.js";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";
import { startServer } from "../../src/server/index.js";
import type { RunningServer } from "../../src/server/index.js";
import { expectSuccess, installForTests, repoRoot, run, tempDirectory } from "./terraform-helpers.js";

/**
 * examples/basic through CDKTF: `cdktf synth`, `cdktf deploy --skip-provider-lock` (offline,
 * our filesystem mirror) and `cdktf destroy` against one real server, and the same synthesized
 * stack applied with `keyform apply` against a second server: both create the same keys.
 * The example runs from a temp project (its own cdktf.json and cdktf.out) so that nothing is
 * written into the checkout.
 */
const temp = tempDirectory("keyform-cdktf-e2e-");
const project = join(temp.path, "project");
const cdktf = join(repoRoot, "node_modules/.bin/cdktf");
const tsxLoader = join(repoRoot, "node_modules/tsx/dist/loader.mjs");
const servers: { viaCdktf?: RunningServer; viaKeyform?: RunningServer } = {};
const clients: ApiKeyClient[] = [];
let baseEnv: NodeJS.ProcessEnv;

function envFor(server: RunningServer): NodeJS.ProcessEnv {
  return { ...baseEnv, KEYFORM_ENDPOINT: server.address, KEYFORM_TOKEN: server.adminToken, KEYFORM_INSECURE: "1" };
}

function clientFor(server: RunningServer): ApiKeyClient {
  const client = createClient({ endpoint: server.address, credentials: { kind: "bearer", token: server.adminToken }, tls: false });
  clients.push(client);
  return client;
}

/** What both routes must agree on, per key, in a stable order. */
async function declaredShape(client: ApiKeyClient): Promise<string[]> {
  const shapes: string[] = [];
  for (const account of DEMO_SERVICE_ACCOUNTS) {
    for await (const key of client.listApiKeys(account.id)) {
      shapes.push(JSON.stringify({ serviceAccountId: key.serviceAccountId, description: key.description, scopes: key.scopes, expiresAt: key.expiresAt?.seconds.toString() ?? null }));
    }
  }
  return shapes.sort();
}

beforeAll(async () => {
  servers.viaCdktf = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server-cdktf"), createDemoServiceAccounts: true });
  servers.viaKeyform = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server-keyform"), createDemoServiceAccounts: true });
  baseEnv = installForTests(temp.path).env;
  mkdirSync(project);
  writeFileSync(
    join(project, "cdktf.json"),
    JSON.stringify({
      language: "typescript",
      app: `${JSON.stringify(process.execPath)} --import ${JSON.stringify(tsxLoader)} ${JSON.stringify(join(repoRoot, "examples/basic/main.ts"))}`,
      output: "cdktf.out",
      projectId: "keyform-e2e",
      sendCrashReports: "false",
      terraformProviders: [],
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await servers.viaCdktf?.close();
  await servers.viaKeyform?.close();
  temp.remove();
});

describe("examples/basic with cdktf and with keyform", () => {
  it("cdktf synth writes the stack", async () => {
    expectSuccess(await run(cdktf, ["synth"], { cwd: project, env: baseEnv }), "cdktf synth");
  });

  it("cdktf deploy and keyform apply create the same keys; cdktf destroy removes them", async () => {
    const viaCdktf = servers.viaCdktf as RunningServer;
    const viaKeyform = servers.viaKeyform as RunningServer;
    const stack = JSON.parse(readFileSync(join(project, "cdktf.out/stacks/basic/cdk.tf.json"), "utf8")) as { resource: { keyform_api_key: Record<string, unknown> } };
    const declared = Object.keys(stack.resource.keyform_api_key).length;
    expect(declared).toBeGreaterThan(0);
    const deployed = expectSuccess(await run(cdktf, ["deploy", "--auto-approve", "--skip-provider-lock"], { cwd: project, env: envFor(viaCdktf) }), "cdktf deploy");
    expect(deployed.stdout).toContain(`${declared} added, 0 changed, 0 destroyed`);
    expectSuccess(
      await run(process.execPath, [join(repoRoot, "bin/keyform.js"), "apply", "--dir", project, "--state", join(temp.path, "keyform.state.json"), "--auto-approve"], { cwd: project, env: envFor(viaKeyform) }),
      "keyform apply",
    );
    const cdktfKeys = await declaredShape(clientFor(viaCdktf));
    expect(cdktfKeys).toHaveLength(declared);
    expect(await declaredShape(clientFor(viaKeyform))).toEqual(cdktfKeys);

    expectSuccess(await run(cdktf, ["destroy", "--auto-approve"], { cwd: project, env: envFor(viaCdktf) }), "cdktf destroy");
    expect(await declaredShape(clientFor(viaCdktf))).toEqual([]);
  });
});
