/**
 * `npm run bench:terraform [-- KEYS]`: KEYS declared keys (default 100, over the three demo
 * service accounts), all in sync. Prints the wall time of `terraform plan` (through
 * terraform-provider-keyform) and of `keyform plan` on the same declared keys, their ratio, and
 * the API RPCs each made (both counted by the same client library: the provider writes its
 * counts to KEYFORM_RPC_COUNTS_FILE at Shutdown, keyform's client traces each RPC with
 * KEYFORM_TRACE=client). Each tool has its own server (same code, separate SQLite files) so
 * that neither sees the other's keys. Build first (`npm run build`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_SERVICE_ACCOUNTS } from "../src/embedded/demo-accounts.js";
import { startServer } from "../src/server/index.js";
import { expectSuccess, installForTests, repoRoot, run, takeRpcReports, tempDirectory, terraform } from "../test/e2e/terraform-helpers.js";

const keyCount = Number(process.argv[2] ?? 100);
const rounds = 3;
const temp = tempDirectory("keyform-bench-tf-");
const project = join(temp.path, "project");
const stackDirectory = join(project, "cdktf.out/stacks/bench");
const countsFile = join(temp.path, "rpc-counts.jsonl");
const keyformBin = join(repoRoot, "bin/keyform.js");

function stackJson(): object {
  const keys = Object.fromEntries(
    Array.from({ length: keyCount }, (_, index) => [
      `key_${String(index).padStart(4, "0")}`,
      {
        service_account_id: DEMO_SERVICE_ACCOUNTS[index % DEMO_SERVICE_ACCOUNTS.length]?.id,
        description: `bench key ${index}`,
        scopes: ["yc.serverless.containers.invoke"],
      },
    ]),
  );
  return {
    terraform: { required_providers: { keyform: { source: "keyform.dev/keyform/keyform", version: "0.1.0" } } },
    provider: { keyform: [{}] },
    resource: { keyform_api_key: keys },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function countTracedRpcs(stderr: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of stderr.matchAll(/\[keyform:client\] \S+ (\S+) attempt=\d+ code=/g)) counts[match[1] as string] = (counts[match[1] as string] ?? 0) + 1;
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
const describeCounts = (counts: Record<string, number>) => `${total(counts)} (${Object.entries(counts).map(([method, count]) => `${method} ${count}`).join(", ")})`;

const forTerraform = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server-terraform"), createDemoServiceAccounts: true });
const forKeyform = await startServer({ listen: "127.0.0.1:0", dataDir: join(temp.path, "server-keyform"), createDemoServiceAccounts: true });
try {
  const base = installForTests(temp.path).env;
  const terraformEnv = { ...base, KEYFORM_ENDPOINT: forTerraform.address, KEYFORM_TOKEN: forTerraform.adminToken, KEYFORM_INSECURE: "1", KEYFORM_RPC_COUNTS_FILE: countsFile };
  const keyformEnv = { ...base, KEYFORM_ENDPOINT: forKeyform.address, KEYFORM_TOKEN: forKeyform.adminToken, KEYFORM_INSECURE: "1" };
  mkdirSync(stackDirectory, { recursive: true });
  writeFileSync(join(stackDirectory, "cdk.tf.json"), JSON.stringify(stackJson(), null, 2));
  writeFileSync(
    join(project, "cdktf.out/manifest.json"),
    JSON.stringify({ version: "0.21.0", stacks: { bench: { name: "bench", constructPath: "bench", workingDirectory: "stacks/bench", synthesizedStackPath: "stacks/bench/cdk.tf.json", annotations: [], dependencies: [] } } }),
  );
  const keyform = (command: string) =>
    run(process.execPath, [keyformBin, command, "--dir", project, "--auto-approve"].filter((arg) => command === "apply" || arg !== "--auto-approve"), { cwd: project, env: { ...keyformEnv, KEYFORM_TRACE: "client" } });

  console.log(`bench:terraform: ${keyCount} keys in sync, ${rounds} plans each, median wall time`);
  expectSuccess(await terraform(["init"], stackDirectory, terraformEnv), "terraform init");
  expectSuccess(await terraform(["apply", "-auto-approve"], stackDirectory, terraformEnv), "terraform apply");
  expectSuccess(await keyform("apply"), "keyform apply");
  takeRpcReports(countsFile);

  const terraformTimes: number[] = [];
  const keyformTimes: number[] = [];
  let terraformCounts: Record<string, number> = {};
  let providerProcesses = 0;
  let keyformCounts: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    const plan = await terraform(["plan", "-detailed-exitcode"], stackDirectory, terraformEnv);
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
  await forTerraform.close();
  await forKeyform.close();
  temp.remove();
}
