import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
 * secret in state authenticates. Kill points: after the n-th durable state write
 * (KEYFORM_CRASH_AFTER), right after the n-th successful Create/Update/Delete before its result
 * is recorded (KEYFORM_CRASH_AFTER_RPC), and at pseudo-random times while its changes run
 * (each of those checked to have killed the apply before it completed). Each run starts from a
 * copy of a server store (its demo account has a fixed id, so the stacks are synthesized once).
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
const FRESH = ["k1", "k2", "k3", "k4"];
const CHANGED = ["k1", "k2", "k3", "k5"];

let work: string;
const out = { fresh: "", changed: "" };
/** Snapshots: an empty store, and a store + state after applying freshKeys. */
const snapshots = { emptyStore: "", baseStore: "", baseState: "" };
/** Durable writes and mutating RPCs of one uninterrupted apply, per scenario. */
const totals = { empty: { writes: 0, rpcs: 4 }, changed: { writes: 0, rpcs: 7 } };

interface Run {
  readonly fixture: ApplyFixture;
  readonly target: (outDir: string) => CliTarget;
}

function readState(file: string): StateFile {
  return JSON.parse(readFileSync(file, "utf8")) as StateFile;
}

/** The first progress line of a change (stderr, plain lines in CI): the apply's changes have begun. */
const CHANGE_STARTED = /: (Creating|Modifying|Destroying)\.\.\./;

function applyTo(run: Run, outDir: string, env: NodeJS.ProcessEnv = {}, extra: { killAfterMatchMs?: number; parallelism?: number } = {}): Promise<RunResult> {
  const args = ["apply", "--auto-approve", "--force-unlock", "--parallelism", String(extra.parallelism ?? 1)];
  return keyform(run.target(outDir), args, { env, watchStderr: CHANGE_STARTED, killAfterMatchMs: extra.killAfterMatchMs });
}

/** The invariants after a crash and a completed re-apply. */
async function expectConverged(run: Run, outDir: string, declared: readonly string[], label: string): Promise<void> {
  const state = readState(run.target(outDir).stateFile);
  expect(state.resources.map((resource) => resource.address), label).toEqual(declared.map((name) => `keyform_api_key.${name}`));
  // State records what the keys are (an Update that went through before the kill included).
  const keys = outDir === out.fresh ? freshKeys : changedKeys;
  expect(state.resources.map((resource) => resource.config.description), `${label}: descriptions in state`).toEqual(
    declared.map((name) => keys.find((key) => key.name === name)?.description ?? null),
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

async function crashThenRecover(from: "empty" | "base", env: NodeJS.ProcessEnv, label: string, checkPlan = false): Promise<void> {
  const outDir = from === "empty" ? out.fresh : out.changed;
  const declared = from === "empty" ? FRESH : CHANGED;
  await withRun(label, from, async (run) => {
    const crashed = await applyTo(run, outDir, env);
    expect(crashed.signal, `${label}: the apply was killed`).toBe("SIGKILL");
    const recovered = await applyTo(run, outDir);
    expect(recovered.code, `${label}: re-apply\n${recovered.stderr}`).toBe(0);
    await expectConverged(run, outDir, declared, label);
    if (checkPlan) {
      const plan = await keyform(run.target(outDir), ["plan", "--detailed-exitcode"]);
      expect(plan.code, `${label}: plan after recovery\n${plan.stdout}${plan.stderr}`).toBe(0);
    }
  });
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

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "keyform-crash-test-"));
  out.fresh = path.join(work, "fresh.out");
  out.changed = path.join(work, "changed.out");
  await Promise.all([synthesize({ keys: freshKeys }, out.fresh), synthesize({ keys: changedKeys }, out.changed)]);
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
    await expectConverged(counting, out.changed, CHANGED, "uninterrupted");
  });
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("crash safety: SIGKILL during apply, then apply again", () => {
  it("from an empty state: killed after each durable write and after each Create", async () => {
    expect(totals.empty.writes).toBeGreaterThanOrEqual(9);
    for (let n = 1; n < totals.empty.writes; n++) await crashThenRecover("empty", { KEYFORM_CRASH_AFTER: String(n) }, `empty, after write ${n}`, n === 1);
    for (let n = 1; n <= totals.empty.rpcs; n++) await crashThenRecover("empty", { KEYFORM_CRASH_AFTER_RPC: String(n) }, `empty, after RPC ${n}`, n === 2);
  }, 400_000);

  it("while updating, replacing (both orders), deleting and creating: killed after each durable write and each mutating RPC", async () => {
    expect(totals.changed.writes).toBeGreaterThanOrEqual(10);
    for (let n = 1; n < totals.changed.writes; n++) await crashThenRecover("base", { KEYFORM_CRASH_AFTER: String(n) }, `changed, after write ${n}`, n === 3);
    for (let n = 1; n <= totals.changed.rpcs; n++) await crashThenRecover("base", { KEYFORM_CRASH_AFTER_RPC: String(n) }, `changed, after RPC ${n}`, n === 3);
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
          if (!crashed.killSent) {
            // Finished before the kill: not a crash round; the next attempt kills earlier.
            expect(crashed.code, `${label}\n${crashed.stderr}`).toBe(0);
            return false;
          }
          expect(crashed.signal, `${label}: ended by the kill`).toBe("SIGKILL");
          const recovered = await applyTo(run, out.changed, {}, { parallelism: 16 });
          expect(recovered.code, `${label}\n${recovered.stderr}`).toBe(0);
          await expectConverged(run, out.changed, CHANGED, label);
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
