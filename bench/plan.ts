/**
 * `npm run bench:plan`: the reconciler at scale. Not a test: it prints figures and ratios.
 *
 * The API server runs in its own process, as it does in a deployment.
 * 1. Plan: 10,000 declared keys over 100 service accounts, all in sync (seeded through the API
 *    into a real server; state and desired state built programmatically). The refresh + plan
 *    runs in a child process so that its wall time and peak memory (maxRSS) are its own; it
 *    reports the RPCs it sent. Goal: at most 100 + extra pages List RPCs, no Get, under 2 s.
 *    Then the whole `keyform plan` command on the same keys (built CLI: `npm run build` first):
 *    process start, loading cdk.tf.json and the state file, refresh, plan and rendering.
 * 2. Apply: 1,000 creates at the default parallelism (16) versus parallelism 1, each into a
 *    fresh state file with durable writes, on loopback and through a proxy that adds 5 ms
 *    each way (a remote endpoint), next to raw Creates without state (the server's own limit).
 *    Each comparison follows a warm-up and interleaves the runs (best of each). Goal: default >= 5x faster.
 */
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "../src/client/index.js";
import type { ApiKeyClient } from "../src/client/index.js";
import { startServer } from "../src/server/index.js";
import { DEFAULT_PARALLELISM, applyChanges, mapSettledBounded } from "../src/reconcile/apply/index.js";
import { createKey } from "../src/reconcile/apply/key-requests.js";
import { planChanges } from "../src/reconcile/plan/index.js";
import { accountsToRefresh, refreshAccounts } from "../src/reconcile/refresh.js";
import { createStateStore, newState, writeStateFileDurably } from "../src/reconcile/state/index.js";
import { countTracedRpcs, stackOfKeys, writeSynthesizedStack } from "./synthesized-stack.js";
import type { ApiKeyConfig, DesiredKey, DesiredState, StateFile, StateResource } from "../src/reconcile/types.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const KEYS_PER_ACCOUNT = Number(process.env.BENCH_KEYS_PER_ACCOUNT ?? 100);
const APPLY_CREATES = Number(process.env.BENCH_APPLY_CREATES ?? 1000);
/** One-way delay of the simulated remote endpoint. */
const REMOTE_DELAY_MS = Number(process.env.BENCH_REMOTE_DELAY_MS ?? 5);

function desiredOf(keys: DesiredKey[]): DesiredState {
  return {
    stack: "bench",
    file: "bench/cdk.tf.json",
    keys,
    listings: [],
    outputs: [],
    exclusive_service_accounts: [],
    provider: { endpoint: null, data_dir: null, insecure: null, ca_file: null },
  };
}

const configOf = (account: string, index: number): ApiKeyConfig => ({
  service_account_id: account,
  description: `bench key ${index}`,
  scopes: ["bench.read"],
  expires_at: null,
  rotate_after: null,
  keepers: null,
  age_recipients: null,
});
const lifecycle = { create_before_destroy: false, prevent_destroy: false, ignore_changes: [] as string[] };

async function accounts(client: ApiKeyClient, prefix: string, count: number): Promise<string[]> {
  const results = await mapSettledBounded(Array.from({ length: count }, (_, index) => index), 16, async (index) =>
    (await client.createServiceAccount({ folderId: "b1gbenchfolder000001", name: `${prefix}-${index}` })).id,
  );
  return results.map((result) => {
    if (result.status === "rejected") throw result.reason;
    return result.value;
  });
}

/**
 * A TCP proxy on loopback that delays every chunk by `delayMs` in each direction, so that the
 * apply can also be measured as against a remote endpoint (RTT = 2 x delayMs), where
 * parallelism pays off most. Order is kept: equal delays fire in order.
 */
function startDelayProxy(target: string, delayMs: number): Promise<{ address: string; close: () => void }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, host);
    // Without this, Nagle's algorithm and delayed ACKs add ~40 ms per exchange on top of the delay.
    inbound.setNoDelay(true);
    outbound.setNoDelay(true);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on("data", (chunk) => setTimeout(() => to.write(chunk), delayMs));
      from.on("end", () => setTimeout(() => to.end(), delayMs));
      from.on("error", () => to.destroy());
    };
    pipe(inbound, outbound);
    pipe(outbound, inbound);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => server.close() })),
  );
}

/** Child mode: refresh + plan against the server, print figures as JSON. */
async function childPlan(endpoint: string, token: string, inputFile: string): Promise<void> {
  const { desired, state } = JSON.parse(readFileSync(inputFile, "utf8")) as { desired: DesiredState; state: StateFile };
  const client = createClient({ endpoint, credentials: { kind: "bearer", token }, tls: false });
  const started = performance.now();
  const observation = await refreshAccounts(client, accountsToRefresh(desired, state));
  const plan = planChanges({ desired, state, observed: observation.byAccount, now: new Date() });
  const wallMs = performance.now() - started;
  const changes = plan.resource_changes.filter((change) => change.actions[0] !== "no-op").length;
  process.stdout.write(
    JSON.stringify({ wallMs, rpcs: Object.fromEntries(client.rpcCounts), changes, observed: observation.keys.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
  client.close();
}

/** Child mode: the API server in its own process (as a real deployment has it); prints its address and token, runs until stdin closes. */
async function childServer(dataDir: string): Promise<void> {
  const server = await startServer({ listen: "127.0.0.1:0", dataDir });
  process.stdout.write(`${JSON.stringify({ address: server.address, token: server.adminToken })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

/** Starts the server child and resolves with its address and token. */
function spawnServer(dataDir: string): Promise<{ address: string; token: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child-server", dataDir], { stdio: ["pipe", "pipe", "inherit"] });
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const { address, token } = JSON.parse(buffered.slice(0, newline)) as { address: string; token: string };
        resolve({ address, token, stop: () => child.stdin.end() });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`server child exited ${code}`)));
  });
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`child exited ${code}`))));
  });
}

const keyformBin = fileURLToPath(new URL("../bin/keyform.js", import.meta.url));

/**
 * The whole `keyform plan` command as a user runs it: process start, reading a cdk.tf.json of
 * every declared key (through cdktf.out/manifest.json), reading the state file, refresh, plan,
 * rendering. Wall time of the process; peak memory from /usr/bin/time when it is there; RPCs
 * from the client's trace lines (KEYFORM_TRACE=client).
 */
async function timeWholePlanCommand(work: string, server: { address: string; token: string }, state: StateFile, rounds: number): Promise<void> {
  const project = path.join(work, "project");
  const resources = Object.fromEntries(
    state.resources.map((resource) => [resource.address.slice("keyform_api_key.".length), { service_account_id: resource.config.service_account_id, description: resource.config.description, scopes: resource.config.scopes }]),
  );
  writeSynthesizedStack(project, stackOfKeys(resources));
  await writeStateFileDurably(path.join(project, "keyform.state.json"), state);
  const timeCommand = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss_kb=%M"] : [];
  const env = { ...process.env, KEYFORM_ENDPOINT: server.address, KEYFORM_TOKEN: server.token, KEYFORM_INSECURE: "1", KEYFORM_TRACE: "client" };
  const runs: { ms: number; maxRssMb: number | null; rpcs: Record<string, number> }[] = [];
  for (let round = 0; round < rounds; round++) {
    const argv = [...timeCommand, process.execPath, keyformBin, "plan", "--dir", project, "--detailed-exitcode"];
    const started = performance.now();
    const result = spawnSync(argv[0] as string, argv.slice(1), { env, encoding: "utf8", maxBuffer: 64 << 20 });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`keyform plan exited ${result.status} (expected 0, no changes):\n${result.stdout.slice(0, 2000)}${result.stderr.slice(-2000)}`);
    const rss = /maxrss_kb=(\d+)/.exec(result.stderr);
    runs.push({ ms, maxRssMb: rss ? Number(rss[1]) / 1024 : null, rpcs: countTracedRpcs(result.stderr) });
  }
  const best = runs.reduce((a, b) => (a.ms <= b.ms ? a : b));
  console.log(`\nthe whole command: keyform plan --detailed-exitcode (process start, load ${state.resources.length}-resource cdk.tf.json and state, refresh, plan, render)`);
  console.log(`  wall time (best of ${rounds}): ${best.ms.toFixed(0)} ms   [all: ${runs.map((run) => run.ms.toFixed(0)).join(", ")} ms]  (goal < 2000 ms; ratio ${(best.ms / 2000).toFixed(2)} of the goal)`);
  console.log(`  peak memory (maxRSS): ${best.maxRssMb === null ? "unknown (/usr/bin/time missing)" : `${best.maxRssMb.toFixed(0)} MB`}`);
  console.log(`  RPCs: ${JSON.stringify(best.rpcs)}; exit code 0 (no changes)`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "keyform-bench-plan-"));
  const server = await spawnServer(path.join(work, "server"));
  const client = createClient({ endpoint: server.address, credentials: { kind: "bearer", token: server.token }, tls: false });
  try {
    // --- 1. plan over N keys in sync
    const total = ACCOUNTS * KEYS_PER_ACCOUNT;
    console.log(`seeding ${total} keys over ${ACCOUNTS} service accounts...`);
    const seedStarted = performance.now();
    const accountIds = await accounts(client, "plan", ACCOUNTS);
    const slots = accountIds.flatMap((account, accountIndex) => Array.from({ length: KEYS_PER_ACCOUNT }, (_, index) => ({ account, index: accountIndex * KEYS_PER_ACCOUNT + index })));
    const seeded = await mapSettledBounded(slots, 64, async ({ account, index }): Promise<StateResource> => {
      const config = configOf(account, index);
      const attributes = await createKey(client, config, `bench-seed-${index}`);
      return { address: `keyform_api_key.k${index}`, config, attributes, pending_create: null, deposed: [] };
    });
    const resources = seeded.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
    console.log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const state: StateFile = { ...newState(), serial: 1, resources };
    const desired = desiredOf(resources.map((resource) => ({ address: resource.address, config: resource.config, lifecycle })));
    const inputFile = path.join(work, "plan-input.json");
    writeFileSync(inputFile, JSON.stringify({ desired, state }));
    const figures: { wallMs: number; rpcs: Record<string, number>; changes: number; observed: number; maxRssMb: number }[] = [];
    for (let round = 0; round < 3; round++) figures.push(JSON.parse(await runChild(["--child-plan", server.address, server.token, inputFile])));
    const best = figures.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
    const lists = best.rpcs["ApiKeyService/List"] ?? 0;
    const pageSize = 1000;
    const extraPages = accountIds.length * Math.max(0, Math.ceil(KEYS_PER_ACCOUNT / pageSize) - 1);
    console.log(`\nplan: ${total} declared keys over ${ACCOUNTS} accounts, all in sync`);
    console.log(`  wall time (refresh + plan, best of ${figures.length}): ${best.wallMs.toFixed(0)} ms   [all: ${figures.map((figure) => figure.wallMs.toFixed(0)).join(", ")} ms]  (goal < 2000 ms)`);
    console.log(`  peak memory (child maxRSS): ${best.maxRssMb.toFixed(0)} MB`);
    const gets = best.rpcs["ApiKeyService/Get"] ?? 0;
    console.log(`  RPCs: ${JSON.stringify(best.rpcs)}: List ${lists}, Get ${gets}  (goal: List <= ${ACCOUNTS} + ${extraPages} extra pages, no Get)`);
    console.log(`  observed keys ${best.observed}, planned changes ${best.changes} (expected 0)`);
    await timeWholePlanCommand(work, server, state, 3);

    // --- 2. apply 1,000 creates: default parallelism vs 1
    const applyAccounts = await accounts(client, "apply", 20);
    const timeApply = async (label: string, parallelism: number, via: ApiKeyClient = client, count = APPLY_CREATES, quiet = false): Promise<number> => {
      const keys = Array.from({ length: count }, (_, index): DesiredKey => ({
        address: `keyform_api_key.${label}${index}`,
        config: configOf(applyAccounts[index % applyAccounts.length] as string, index),
        lifecycle,
      }));
      const fresh = newState();
      const store = createStateStore(path.join(work, `${label}.state.json`), fresh);
      const plan = planChanges({ desired: desiredOf(keys), state: fresh, observed: new Map(), now: new Date() });
      const started = performance.now();
      const result = await applyChanges(via, store, plan.resource_changes, { parallelism });
      await store.close();
      const seconds = (performance.now() - started) / 1000;
      if (result.errors.length > 0 || result.added !== count) throw new Error(`${label}: ${result.added} added, ${result.errors.length} errors`);
      if (!quiet) console.log(`  parallelism ${String(parallelism).padStart(2)}: ${seconds.toFixed(2)} s, ${(count / seconds).toFixed(0)} creates/s, ${store.writeCount} durable state writes`);
      return seconds;
    };
    // Baseline: the same Creates straight through the client, no state at all: the server's own limit.
    const rawCreates = async (parallelism: number): Promise<number> => {
      const started = performance.now();
      const results = await mapSettledBounded(Array.from({ length: APPLY_CREATES }, (_, index) => index), parallelism, (index) =>
        client.createApiKey({ serviceAccountId: applyAccounts[index % applyAccounts.length] as string, description: `raw ${parallelism} ${index}` }),
      );
      if (results.some((result) => result.status === "rejected")) throw new Error("raw Create failed");
      const seconds = (performance.now() - started) / 1000;
      console.log(`  raw Create, no state, ${String(parallelism).padStart(2)} in flight: ${seconds.toFixed(2)} s, ${(APPLY_CREATES / seconds).toFixed(0)} creates/s`);
      return seconds;
    };
    /** Best of `rounds` interleaved runs of each parallelism (after a warm-up), so JIT warm-up and load bursts skew neither side. */
    const compareApplies = async (prefix: string, via: ApiKeyClient, rounds: number): Promise<{ parallel: number; serial: number }> => {
      await timeApply(`${prefix}warm16-`, DEFAULT_PARALLELISM, via, APPLY_CREATES, true);
      await timeApply(`${prefix}warm1-`, 1, via, 200, true);
      const parallelRuns: number[] = [];
      const serialRuns: number[] = [];
      for (let round = 0; round < rounds; round++) {
        parallelRuns.push(await timeApply(`${prefix}par${round}-`, DEFAULT_PARALLELISM, via));
        serialRuns.push(await timeApply(`${prefix}ser${round}-`, 1, via));
      }
      return { parallel: Math.min(...parallelRuns), serial: Math.min(...serialRuns) };
    };
    console.log(`\napply: ${APPLY_CREATES} creates (each: durable pending record, Create, durable result); after a warm-up, 2 interleaved rounds, best of each`);
    const { parallel, serial } = await compareApplies("", client, 2);
    console.log(`  speed-up of parallelism ${DEFAULT_PARALLELISM} over 1: ${(serial / parallel).toFixed(1)}x  (goal >= 5x)`);
    const rawParallel = await rawCreates(DEFAULT_PARALLELISM);
    const rawSerial = await rawCreates(1);
    console.log(`  the server alone: ${(rawSerial / rawParallel).toFixed(1)}x from ${DEFAULT_PARALLELISM} in flight; keyform's apply reaches ${((rawParallel / parallel) * 100).toFixed(0)}% of the server's raw rate at ${DEFAULT_PARALLELISM}`);

    // The same through a proxy adding latency, as against a remote endpoint.
    const proxy = await startDelayProxy(server.address, REMOTE_DELAY_MS);
    const remote = createClient({ endpoint: proxy.address, credentials: { kind: "bearer", token: server.token }, tls: false });
    try {
      console.log(`\napply: ${APPLY_CREATES} creates through a proxy adding ${REMOTE_DELAY_MS} ms each way (RTT ${2 * REMOTE_DELAY_MS} ms, like a remote endpoint)`);
      const { parallel: remoteParallel, serial: remoteSerial } = await compareApplies("r", remote, 1);
      console.log(`  speed-up of parallelism ${DEFAULT_PARALLELISM} over 1: ${(remoteSerial / remoteParallel).toFixed(1)}x  (goal >= 5x)`);
    } finally {
      remote.close();
      proxy.close();
    }
  } finally {
    client.close();
    server.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child-server") {
  await childServer(process.argv[3] as string);
} else if (process.argv[2] === "--child-plan") {
  await childPlan(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
} else {
  await main();
}
