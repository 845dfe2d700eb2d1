import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SERVICE_ACCOUNTS } from "../../src/embedded/demo-accounts.js";
import type { StateFile } from "../../src/reconcile/types.js";
import type { FixtureKey } from "../fixtures/apps/reconcile/main.js";
import { keyform, synthesize } from "../e2e/reconcile-helpers.js";
import type { CliTarget, RunResult } from "../e2e/reconcile-helpers.js";
import { startApplyFixture } from "./apply-helpers.js";
import type { ApplyFixture } from "./apply-helpers.js";

/**
 * Kills `keyform apply` with SIGKILL at many points, applies again, and checks the invariants:
 * exactly the declared keys exist, no orphan, no duplicate, nothing pending or deposed, every
 * secret in state authenticates, state records what the keys are. Kill points: after the n-th
 * durable state write (KEYFORM_CRASH_AFTER; the last one is close()'s snapshot, killed before
 * the journal it folds is removed), right after the n-th successful Create/Update/Delete before
 * its result is recorded (KEYFORM_CRASH_AFTER_RPC; the re-apply then has a changed
 * configuration, as when someone edits the stack after a failed apply), and at pseudo-random
 * times while its changes run (each checked to have killed the apply before it completed).
 * Each run starts from a copy of a server store (its demo account has a fixed id, so the stacks
 * are synthesized once).
 */
const account = DEMO_SERVICE_ACCOUNTS[0].id;
const freshKeys: FixtureKey[] = [
  { name: "k1", serviceAccountId: account, description: "one" },
  { name: "k2", serviceAccountId: account, description: "two", createBeforeDestroy: true },
  { name: "k3", serviceAccountId: account, scopes: ["x.read"] },
  { name: "k4", serviceAccountId: account, keepers: { v: "1" }, createBeforeDestroy: true },
];
// From freshKeys: k1 updated, k2 replaced create-before-destroy, k3 replaced delete-first, k4 deleted, k5 created.
const changedKeys: FixtureKey[] = [
  { name: "k1", serviceAccountId: account, description: "one v2" },
  { name: "k2", serviceAccountId: account, description: "two", keepers: { v: "2" }, createBeforeDestroy: true },
  { name: "k3", serviceAccountId: account, scopes: ["x.read"], keepers: { v: "2" } },
  { name: "k5", serviceAccountId: account, description: "five" },
];
// From changedKeys, applied after a kill during the changed apply: k1 as declared there (an Update
// that went through is only recorded), k2 replaced again, k3 removed (also mid-replacement),
// k4 declared again (also after its delete went through), k5 updated (also right after its
// create), k6 created.
const changedAgainKeys: FixtureKey[] = [
  { name: "k1", serviceAccountId: account, description: "one v2" },
  { name: "k2", serviceAccountId: account, description: "two", keepers: { v: "3" }, createBeforeDestroy: true },
  { name: "k4", serviceAccountId: account, keepers: { v: "1" }, createBeforeDestroy: true },
  { name: "k5", serviceAccountId: account, description: "five v2" },
  { name: "k6", serviceAccountId: account, description: "six" },
];

let work: string;
type Stack = "fresh" | "changed" | "changedAgain";
const declaredKeys: Record<Stack, FixtureKey[]> = { fresh: freshKeys, changed: changedKeys, changedAgain: changedAgainKeys };
const out: Record<Stack, string> = { fresh: "", changed: "", changedAgain: "" };
/** Snapshots: an empty store, and a store + state after applying freshKeys. */
const snapshots = { emptyStore: "", baseStore: "", baseState: "" };
/** Durable writes and mutating RPCs of one uninterrupted apply, per scenario. */
const totals = { empty: { writes: 0, rpcs: 4 }, changed: { writes: 0, rpcs: 7 } };

interface Run {
  readonly fixture: ApplyFixture;
  readonly target: (outDir: string) => CliTarget;
}

/** 1..n */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index + 1);
}

function readState(file: string): StateFile {
  return JSON.parse(readFileSync(file, "utf8")) as StateFile;
}

/** The first progress line of a change (stderr, plain lines in CI): the apply's changes have begun. */
const CHANGE_STARTED = /: (Creating|Modifying|Destroying)\.\.\./;

function applyTo(run: Pick<Run, "target">, outDir: string, env: NodeJS.ProcessEnv = {}, extra: { killAfterMatchMs?: number; parallelism?: number } = {}): Promise<RunResult> {
  const args = ["apply", "--auto-approve", "--force-unlock", "--parallelism", String(extra.parallelism ?? 1)];
  return keyform(run.target(outDir), args, { env, watchStderr: CHANGE_STARTED, killAfterMatchMs: extra.killAfterMatchMs });
}

/** The invariants after a crash and a completed re-apply of `stack`. */
async function expectConverged(run: Run, stack: Stack, label: string): Promise<void> {
  const stateFile = run.target(out[stack]).stateFile;
  // A completed run folds the journal into the file, so the file alone is the whole state.
  expect(existsSync(`${stateFile}.journal`), `${label}: journal left after the re-apply`).toBe(false);
  const state = readState(stateFile);
  const keys = declaredKeys[stack];
  expect(state.resources.map((resource) => resource.address), label).toEqual(keys.map((key) => `keyform_api_key.${key.name}`));
  // State records what the keys are (an Update that went through before the kill included).
  expect(state.resources.map((resource) => [resource.config.description, resource.config.keepers]), `${label}: configuration in state`).toEqual(
    keys.map((key) => [key.description ?? null, key.keepers ?? null]),
  );
  const listed = (await run.fixture.keysOf(account)).map((key) => key.id);
  expect(new Set(listed).size, `${label}: duplicate ids listed`).toBe(listed.length);
  expect(listed.sort(), `${label}: keys on the server vs state`).toEqual(state.resources.map((resource) => resource.attributes?.id).sort());
  for (const resource of state.resources) {
    expect(resource.pending_create, `${label}: ${resource.address} pending`).toBeNull();
    expect(resource.deposed, `${label}: ${resource.address} deposed`).toEqual([]);
    const own = run.fixture.clientWithSecret(resource.attributes?.secret_key ?? "");
    expect((await own.getApiKey(resource.attributes?.id ?? "")).id, `${label}: ${resource.address} secret authenticates`).toBe(resource.attributes?.id);
  }
}

/**
 * Kills the apply of `crashed` (from an empty or the base state), then applies `reapplied`.
 * With `embedded`, both run the embedded store inside the CLI process (the kill takes the server
 * down too), and the store is served again afterwards to check it.
 */
async function crashThenRecover(
  from: "empty" | "base",
  stacks: { readonly crashed: Stack; readonly reapplied: Stack },
  env: NodeJS.ProcessEnv,
  label: string,
  options: { readonly checkPlan?: boolean; readonly embedded?: boolean } = {},
): Promise<void> {
  // The embedded server's socket directory, which a killed apply leaves behind, goes under work/.
  const where = options.embedded ? { TMPDIR: work } : {};
  const crashAndReapply = async (run: Pick<Run, "target">) => {
    const crashed = await applyTo(run, out[stacks.crashed], { ...where, ...env });
    expect(crashed.signal, `${label}: the apply was killed\n${crashed.stderr}`).toBe("SIGKILL");
    const recovered = await applyTo(run, out[stacks.reapplied], where);
    expect(recovered.code, `${label}: re-apply\n${recovered.stderr}`).toBe(0);
  };
  if (options.embedded) {
    await withEmbeddedRun(label, from, crashAndReapply, (run) => expectConverged(run, stacks.reapplied, label));
    return;
  }
  await withRun(label, from, async (run) => {
    await crashAndReapply(run);
    await expectConverged(run, stacks.reapplied, label);
    if (options.checkPlan) {
      const plan = await keyform(run.target(out[stacks.reapplied]), ["plan", "--detailed-exitcode"]);
      expect(plan.code, `${label}: plan after recovery\n${plan.stdout}${plan.stderr}`).toBe(0);
    }
  });
}

/**
 * Runs the rounds two at a time: each has its own server, state file and CLI processes, and
 * kills at counted points (no timing), so they do not affect each other.
 */
async function inPairs(rounds: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < rounds.length) await (rounds[next++] as () => Promise<void>)();
  };
  await Promise.all([lane(), lane()]);
}

async function withRun<T>(label: string, from: "empty" | "base", body: (run: Run) => Promise<T>, snapshotTo?: string): Promise<T> {
  const fixture = await startApplyFixture({ createDemoServiceAccounts: true, seedFrom: from === "empty" ? snapshots.emptyStore || undefined : snapshots.baseStore });
  const stateFile = path.join(work, `${label}.state.json`);
  if (from === "base") copyFileSync(snapshots.baseState, stateFile);
  try {
    return await body({ fixture, target: (outDir) => ({ endpoint: fixture.server.address, token: fixture.server.adminToken, outDir, stateFile }) });
  } finally {
    await fixture.close({ snapshotTo });
  }
}

/** Runs `body` against an embedded store seeded like withRun's server, then `check` with that store served. */
async function withEmbeddedRun(label: string, from: "empty" | "base", body: (run: Pick<Run, "target">) => Promise<void>, check: (run: Run) => Promise<void>): Promise<void> {
  const dataDir = path.join(work, `${label}.data`);
  cpSync(from === "empty" ? snapshots.emptyStore : snapshots.baseStore, dataDir, { recursive: true });
  const stateFile = path.join(work, `${label}.state.json`);
  if (from === "base") copyFileSync(snapshots.baseState, stateFile);
  const target = (outDir: string): CliTarget => ({ endpoint: "", token: "", dataDir, outDir, stateFile });
  await body({ target });
  const fixture = await startApplyFixture({ seedFrom: dataDir });
  try {
    await check({ fixture, target });
  } finally {
    await fixture.close();
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "keyform-crash-test-"));
  const stacks = Object.keys(out) as Stack[];
  for (const stack of stacks) out[stack] = path.join(work, `${stack}.out`);
  await Promise.all(stacks.map((stack) => synthesize({ keys: declaredKeys[stack] }, out[stack])));
  // Snapshots: an empty store (demo accounts only); a store and state after applying freshKeys.
  await withRun("empty", "empty", async () => undefined, path.join(work, "empty-store"));
  snapshots.emptyStore = path.join(work, "empty-store");
  await withRun(
    "base",
    "empty",
    async (base) => {
      const applied = await applyTo(base, out.fresh);
      expect(applied.code, applied.stderr).toBe(0);
      totals.empty.writes = readState(base.target(out.fresh).stateFile).serial;
      snapshots.baseState = base.target(out.fresh).stateFile;
    },
    path.join(work, "base-store"),
  );
  snapshots.baseStore = path.join(work, "base-store");
  await withRun("count-changed", "base", async (counting) => {
    const before = readState(counting.target(out.changed).stateFile).serial;
    const applied = await applyTo(counting, out.changed);
    expect(applied.code, applied.stderr).toBe(0);
    totals.changed.writes = readState(counting.target(out.changed).stateFile).serial - before;
    await expectConverged(counting, "changed", "uninterrupted");
  });
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("crash safety: SIGKILL during apply, then apply again", () => {
  // Durable writes of an apply: one per state write (its serial), plus close()'s snapshot.
  it("from an empty state: killed after each durable write (same configuration again) and after each Create (changed configuration)", async () => {
    expect(totals.empty.writes).toBeGreaterThanOrEqual(9);
    const same = { crashed: "fresh", reapplied: "fresh" } as const;
    const edited = { crashed: "fresh", reapplied: "changed" } as const;
    await inPairs([
      ...range(totals.empty.writes + 1).map((n) => () => crashThenRecover("empty", same, { KEYFORM_CRASH_AFTER: String(n) }, `empty, after write ${n}`, { checkPlan: n === 1 })),
      ...range(totals.empty.rpcs).map((n) => () => crashThenRecover("empty", edited, { KEYFORM_CRASH_AFTER_RPC: String(n) }, `empty, after RPC ${n}, changed`, { checkPlan: n === 2 })),
    ]);
  }, 400_000);

  it("while updating, replacing (both orders), deleting and creating: killed after each durable write (same configuration) and each mutating RPC (changed again)", async () => {
    expect(totals.changed.writes).toBeGreaterThanOrEqual(10);
    const same = { crashed: "changed", reapplied: "changed" } as const;
    const edited = { crashed: "changed", reapplied: "changedAgain" } as const;
    await inPairs([
      ...range(totals.changed.writes + 1).map((n) => () => crashThenRecover("base", same, { KEYFORM_CRASH_AFTER: String(n) }, `changed, after write ${n}`, { checkPlan: n === 3 })),
      ...range(totals.changed.rpcs).map((n) => () => crashThenRecover("base", edited, { KEYFORM_CRASH_AFTER_RPC: String(n) }, `changed, after RPC ${n}, changed again`, { checkPlan: n === 3 })),
    ]);
  }, 400_000);

  it("with the embedded store (the server dies with the apply): killed right after a Create, from empty and in both replacements", async () => {
    // The changed apply's mutating RPCs in address order: k1 Update, k2 Create and Delete
    // (create_before_destroy), k3 Delete and Create, k4 Delete, k5 Create. A Create the server
    // acknowledged must survive its death together with its idempotency record. (Each round
    // checks that its apply was killed, so an apply with fewer RPCs fails it.)
    const rounds = [
      { from: "empty", stacks: { crashed: "fresh", reapplied: "fresh" }, rpc: 1, what: "first create" },
      { from: "base", stacks: { crashed: "changed", reapplied: "changed" }, rpc: 2, what: "create_before_destroy" },
      { from: "base", stacks: { crashed: "changed", reapplied: "changed" }, rpc: 5, what: "delete-then-create" },
      { from: "base", stacks: { crashed: "changed", reapplied: "changedAgain" }, rpc: 7, what: "create, changed again" },
    ] as const;
    await inPairs(
      rounds.map(({ from, stacks, rpc, what }) => () => crashThenRecover(from, stacks, { KEYFORM_CRASH_AFTER_RPC: String(rpc) }, `embedded, after RPC ${rpc} (${what})`, { embedded: true })),
    );
  }, 400_000);

  it("killed at pseudo-random moments while its changes run, with the default parallelism", async () => {
    // The window to draw from: an uninterrupted apply's time from its first change starting to
    // its exit. Kill times are drawn inside it; a run that still finishes before its kill is
    // repeated with an earlier time, so every round really kills an apply mid-way.
    const window = await withRun("random-measure", "base", async (run) => {
      const measured = await applyTo(run, out.changed, {}, { parallelism: 16 });
      expect(measured.code, measured.stderr).toBe(0);
      return measured.msFromMatchToExit ?? 0;
    });
    expect(window, "an uninterrupted apply printed its changes").toBeGreaterThan(0);
    let seed = 20_261_203;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const ROUNDS = 5;
    const MAX_ATTEMPTS = 5;
    const kills: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let delay = Math.floor(next() * window);
      for (let attempt = 1; ; attempt++) {
        const label = `round ${round}, attempt ${attempt}: kill ${delay} ms after the first change started (window ${window.toFixed(0)} ms)`;
        const killed = await withRun(`random-${round}-${attempt}`, "base", async (run) => {
          const crashed = await applyTo(run, out.changed, {}, { killAfterMatchMs: delay, parallelism: 16 });
          if (!crashed.killed) {
            // Finished before the kill: not a crash round; the next attempt kills earlier.
            expect(crashed.code, `${label}\n${crashed.stderr}`).toBe(0);
            return false;
          }
          const recovered = await applyTo(run, out.changed, {}, { parallelism: 16 });
          expect(recovered.code, `${label}\n${recovered.stderr}`).toBe(0);
          await expectConverged(run, "changed", label);
          // Killed once all was applied (only printing and closing left): checked, but not a mid-apply kill.
          return !crashed.stdout.includes("Apply complete!");
        });
        if (killed) {
          kills.push(delay);
          break;
        }
        expect(attempt, `${label}: the apply kept finishing before the kill`).toBeLessThan(MAX_ATTEMPTS);
        // The last attempt kills as soon as the first change starts.
        delay = attempt + 1 === MAX_ATTEMPTS ? 0 : Math.floor(delay / 2);
      }
    }
    expect(kills, "real mid-apply kills").toHaveLength(ROUNDS);
  }, 300_000);
});
