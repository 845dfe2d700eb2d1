/**
 * `npm run bench:terraform [-- KEYS]`: KEYS declared keys (default 100, over the three demo
 * service accounts), all in sync. Prints the wall time of `terraform plan` (through
 * terraform-provider-keyform) and of `keyform plan` on the same declared keys, their ratio, and
 * the API RPCs each made (both counted by the same client library: the provider writes its
 * counts to KEYFORM_RPC_COUNTS_FILE at Shutdown, keyform's client traces each RPC with
 * KEYFORM_TRACE=client). Both tools plan over the very same keys on one server: `keyform apply`
 * creates them, and Terraform adopts each through an `import {}` block (its own directory, the
 * same resources), so both states track the same key ids. Build first (`npm run build`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_SERVICE_ACCOUNTS } from "../src/embedded/demo-accounts.js";
import { createClient } from "../src/client/index.js";
import { startServer } from "../src/server/index.js";
import { countTracedRpcs, stackOfKeys, writeSynthesizedStack } from "./synthesized-stack.js";
import { expectSuccess, installForTests, repoRoot, run, takeRpcReports, tempDirectory, terraform } from "../test/e2e/terraform-helpers.js";

const keyCount = Number(process.argv[2] ?? 100);
const rounds = 3;
const temp = tempDirectory("keyform-bench-tf-");
const project = join(temp.path, "project");
const terraformDirectory = join(temp.path, "terraform");
const countsFile = join(temp.path, "rpc-counts.jsonl");
const keyformBin = join(repoRoot, "bin/keyform.js");

const keyName = (index: number) => `key_${String(index).padStart(4, "0")}`;

function stackJson(): Record<string, unknown> {
  const keys = Object.fromEntries(
    Array.from({ length: keyCount }, (_, index) => [
      keyName(index),
      {
        service_account_id: DEMO_SERVICE_ACCOUNTS[index % DEMO_SERVICE_ACCOUNTS.length]?.id,
        description: `bench key ${index}`,
        scopes: ["yc.serverless.containers.invoke"],
      },
    ]),
  );
  return stackOfKeys(keys);
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
const describeCounts = (counts: Record<string, number>) => `${total(counts)} (${Object.entries(counts).map(([method, count]) => `${method} ${count}`).join(", ")})`;

/** Key id by resource name, found through the API by the unique descriptions keyform apply gave them. */
async function keyIdsByName(server: { address: string; adminToken: string }): Promise<Map<string, string>> {
  const client = createClient({ endpoint: server.address, credentials: { kind: "bearer", token: server.adminToken }, tls: false });
  try {
    const names = new Map(Array.from({ length: keyCount }, (_, index) => [`bench key ${index}`, keyName(index)]));
    const ids = new Map<string, string>();
    for (const account of DEMO_SERVICE_ACCOUNTS) {
      for await (const key of client.listApiKeys(account.id)) {
        const name = names.get(key.description);
        if (name) ids.set(name, key.id);
      }
    }
    if (ids.size !== keyCount) throw new Error(`found ${ids.size} of the ${keyCount} keys keyform apply created`);
    return ids;
  } finally {
    client.close();
  }
}

const server = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server"), createDemoServiceAccounts: true });
try {
  const base = installForTests(temp.path).env;
  const keyformEnv = { ...base, KEYFORM_ENDPOINT: server.address, KEYFORM_TOKEN: server.adminToken, KEYFORM_INSECURE: "1" };
  const terraformEnv = { ...keyformEnv, KEYFORM_RPC_COUNTS_FILE: countsFile };
  const stack = stackJson();
  writeSynthesizedStack(project, stack);
  const keyform = (command: string) =>
    run(process.execPath, [keyformBin, command, "--dir", project, "--auto-approve"].filter((arg) => command === "apply" || arg !== "--auto-approve"), { cwd: project, env: { ...keyformEnv, KEYFORM_TRACE: "client" } });

  console.log(`bench:terraform: ${keyCount} keys in sync on one server, tracked by both tools, ${rounds} plans each, median wall time`);
  expectSuccess(await keyform("apply"), "keyform apply");
  const ids = await keyIdsByName(server);
  mkdirSync(terraformDirectory);
  const imports = [...ids].map(([name, id]) => ({ to: `keyform_api_key.${name}`, id }));
  writeFileSync(join(terraformDirectory, "main.tf.json"), JSON.stringify({ ...stack, import: imports }, null, 2));
  expectSuccess(await terraform(["init"], terraformDirectory, terraformEnv), "terraform init");
  const imported = expectSuccess(await terraform(["apply", "-auto-approve"], terraformDirectory, terraformEnv), "terraform apply (import)");
  if (!imported.stdout.includes(`Resources: ${keyCount} imported, 0 added, 0 changed, 0 destroyed.`)) throw new Error(`terraform did not import the ${keyCount} keys:\n${imported.stdout}`);
  takeRpcReports(countsFile);

  const terraformTimes: number[] = [];
  const keyformTimes: number[] = [];
  let terraformCounts: Record<string, number> = {};
  let providerProcesses = 0;
  let keyformCounts: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    const plan = await terraform(["plan", "-detailed-exitcode"], terraformDirectory, terraformEnv);
    terraformTimes.push(performance.now() - started);
    if (plan.code !== 0) throw new Error(`terraform plan is not empty (exit ${plan.code}):\n${plan.stdout}${plan.stderr}`);
    const reports = takeRpcReports(countsFile);
    terraformCounts = reports.totals;
    providerProcesses = reports.reports.length;

    started = performance.now();
    const keyformPlan = await keyform("plan");
    keyformTimes.push(performance.now() - started);
    expectSuccess(keyformPlan, "keyform plan");
    if (!/No changes/i.test(keyformPlan.stdout)) throw new Error(`keyform plan is not empty:\n${keyformPlan.stdout}`);
    keyformCounts = countTracedRpcs(keyformPlan.stderr);
  }
  const terraformMs = median(terraformTimes);
  const keyformMs = median(keyformTimes);
  console.log(`terraform plan: ${terraformMs.toFixed(0)} ms, RPCs ${describeCounts(terraformCounts)}, provider processes started: ${providerProcesses}`);
  console.log(`keyform plan:   ${keyformMs.toFixed(0)} ms, RPCs ${describeCounts(keyformCounts)}`);
  console.log(`ratio terraform/keyform: wall time ${(terraformMs / keyformMs).toFixed(2)}x, RPCs ${(total(terraformCounts) / Math.max(1, total(keyformCounts))).toFixed(1)}x`);
} finally {
  await server.close();
  temp.remove();
}
