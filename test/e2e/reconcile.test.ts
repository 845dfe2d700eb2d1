import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FixtureKey, FixtureSpec } from "../fixtures/apps/reconcile/main.js";
import type { StateFile } from "../../src/reconcile/types.js";
import { startApplyFixture } from "../reconcile/apply-helpers.js";
import type { ApplyFixture } from "../reconcile/apply-helpers.js";
import { keyform, synthesize } from "./reconcile-helpers.js";
import type { CliTarget } from "./reconcile-helpers.js";

let fixture: ApplyFixture;
let work: string;
let target: CliTarget;
let accountA: string;
let accountB: string;

beforeAll(async () => {
  fixture = await startApplyFixture();
  work = mkdtempSync(path.join(tmpdir(), "keyform-e2e-reconcile-"));
  target = { endpoint: fixture.server.address, token: fixture.server.adminToken, outDir: path.join(work, "cdktf.out"), stateFile: path.join(work, "keyform.state.json") };
  accountA = await fixture.account("e2e-a");
  accountB = await fixture.account("e2e-b");
}, 120_000);
afterAll(async () => {
  await fixture?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const readState = (): StateFile => JSON.parse(readFileSync(target.stateFile, "utf8")) as StateFile;
const idOf = (address: string): string => readState().resources.find((resource) => resource.address === address)?.attributes?.id ?? "";

async function keysById(account: string) {
  return new Map((await fixture.keysOf(account)).map((key) => [key.id, key]));
}

async function operationsOf(keyId: string): Promise<number> {
  let count = 0;
  for await (const _ of fixture.client.listApiKeyOperations(keyId)) count++;
  return count;
}

async function expectEmptyPlan(env: NodeJS.ProcessEnv = {}): Promise<void> {
  const plan = await keyform(target, ["plan", "--detailed-exitcode"], { env });
  expect(plan.stderr).toBe("");
  expect(plan.code).toBe(0);
}

async function applyOk(env: NodeJS.ProcessEnv = {}) {
  const apply = await keyform(target, ["apply", "--auto-approve"], { env });
  expect(apply.stderr + apply.stdout).not.toMatch(/AQVN/);
  expect(apply.code, apply.stderr).toBe(0);
  return apply;
}

describe("keyform plan/apply end to end (real server, real cdktf synth, built CLI)", () => {
  const spec = (keys: FixtureKey[]): FixtureSpec => ({ keys, listAccount: accountA });

  it("applies a stack, converges, masks secrets, and follows description/scopes/expiry/account/rotation changes", async () => {
    const base: FixtureKey[] = [
      { name: "ci", serviceAccountId: accountA, description: "CI", scopes: ["yc.monitoring.read"] },
      { name: "batch", serviceAccountId: accountA, description: "batch", scopes: ["a.read", "b.read"], expiresAt: "2030-01-01T00:00:00Z" },
      { name: "web", serviceAccountId: accountA, description: "web", rotateAfter: "30d", createBeforeDestroy: true },
    ];
    await synthesize(spec(base), target.outDir, true);

    const refused = await keyform(target, ["apply"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("pass --auto-approve");
    expect(await fixture.keysOf(accountA)).toEqual([]);

    const first = await applyOk();
    expect(first.stdout).toContain("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    expect(first.stderr).toContain("keyform_api_key.ci: Creating...");
    expect(first.stderr).toMatch(/keyform_api_key\.ci: Creation complete \[id=\S+\]/);
    const state = readState();
    expect(state.resources.map((resource) => resource.address)).toEqual(["keyform_api_key.batch", "keyform_api_key.ci", "keyform_api_key.web"]);
    expect([...(await keysById(accountA)).keys()].sort()).toEqual(state.resources.map((resource) => resource.attributes?.id).sort());
    expect(state.outputs.ci_secret).toEqual({ value: state.resources[1]?.attributes?.secret_key, sensitive: true });
    expect((state.outputs.listed_keys?.value as unknown[]).length).toBe(3);

    const outputs = await keyform(target, ["output"]);
    expect(outputs.stdout).toContain("ci_secret = <sensitive>");
    expect(outputs.stdout).toContain(`ci_id = "${idOf("keyform_api_key.ci")}"`);
    expect(outputs.stdout).not.toMatch(/AQVN/);
    const secret = await keyform(target, ["output", "ci_secret", "--show-sensitive"]);
    expect(secret.stdout.trim()).toBe(state.resources[1]?.attributes?.secret_key);
    // --json is for scripts: like `terraform output -json`, values in clear with a sensitive flag.
    const json = JSON.parse((await keyform(target, ["output", "--json"])).stdout) as Record<string, { value: unknown; sensitive: boolean }>;
    expect(json.ci_secret).toEqual({ sensitive: true, value: state.resources[1]?.attributes?.secret_key });
    expect(json.ci_id).toEqual({ sensitive: false, value: idOf("keyform_api_key.ci") });
    expect(JSON.parse((await keyform(target, ["output", "ci_secret", "--json"])).stdout)).toBe(state.resources[1]?.attributes?.secret_key);
    await expectEmptyPlan();

    // Description, scopes and expiry: in-place updates with exactly the changed paths.
    const ciId = idOf("keyform_api_key.ci");
    const batchId = idOf("keyform_api_key.batch");
    const webId = idOf("keyform_api_key.web");
    const updated: FixtureKey[] = [
      { name: "ci", serviceAccountId: accountA, description: "CI v2", scopes: ["yc.monitoring.read"] },
      { name: "batch", serviceAccountId: accountA, description: "batch", scopes: ["a.read"] },
      base[2] as FixtureKey,
    ];
    await synthesize(spec(updated), target.outDir);
    const planFile = path.join(work, "update.plan");
    const plan = await keyform(target, ["plan", "--json", "-out", planFile]);
    expect(plan.code, plan.stderr).toBe(0);
    const changes = (JSON.parse(plan.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] }).resource_changes;
    expect(changes.map((change) => [change.address, change.change.actions])).toEqual([
      ["keyform_api_key.batch", ["update"]],
      ["keyform_api_key.ci", ["update"]],
      ["keyform_api_key.web", ["no-op"]],
    ]);
    const applied = await keyform(target, ["apply", planFile]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("0 added, 2 changed, 0 destroyed");
    const afterUpdate = await keysById(accountA);
    expect(afterUpdate.get(ciId)?.description).toBe("CI v2");
    expect(afterUpdate.get(batchId)).toMatchObject({ scopes: ["a.read"], expires_at: null, description: "batch" });
    expect([await operationsOf(ciId), await operationsOf(batchId), await operationsOf(webId)]).toEqual([1, 1, 0]);
    await expectEmptyPlan();

    // The saved plan cannot be applied twice: state moved on.
    const stale = await keyform(target, ["apply", planFile]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/was made against state .* serial \d+, but .* is now .* serial \d+: run keyform plan again/);

    // Service account change replaces (delete, then create under the new account).
    const moved: FixtureKey[] = [{ ...(updated[0] as FixtureKey), serviceAccountId: accountB }, updated[1] as FixtureKey, updated[2] as FixtureKey];
    await synthesize(spec(moved), target.outDir);
    const movedApply = await applyOk();
    expect(movedApply.stdout).toContain("1 added, 0 changed, 1 destroyed");
    expect((await keysById(accountA)).has(ciId)).toBe(false);
    expect([...(await keysById(accountB)).keys()]).toEqual([idOf("keyform_api_key.ci")]);
    await expectEmptyPlan();

    // Rotation: 31 days later (KEYFORM_NOW), web is replaced create-before-destroy.
    const later = { KEYFORM_NOW: new Date(Date.now() + 31 * 86_400_000).toISOString() };
    const rotation = await keyform(target, ["plan", "--json"], { env: later });
    const webChange = (JSON.parse(rotation.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] }).resource_changes.find(
      (change) => change.address === "keyform_api_key.web",
    );
    expect(webChange?.change.actions).toEqual(["create", "delete"]);
    await applyOk(later);
    const rotated = idOf("keyform_api_key.web");
    expect(rotated).not.toBe(webId);
    const accountAKeys = await keysById(accountA);
    expect(accountAKeys.has(webId)).toBe(false);
    expect(accountAKeys.has(rotated)).toBe(true);
    const own = fixture.clientWithSecret(readState().resources.find((resource) => resource.address === "keyform_api_key.web")?.attributes?.secret_key ?? "");
    expect((await own.getApiKey(rotated)).id).toBe(rotated);
    // The new key was created at the server's real time, so it is not due at the real time.
    await expectEmptyPlan();
  });

  it("reverts drift made behind keyform's back and re-creates deleted keys", async () => {
    const ciId = idOf("keyform_api_key.ci");
    const batchId = idOf("keyform_api_key.batch");
    await fixture.client.updateApiKey({ apiKeyId: batchId, updateMask: { paths: ["description"] }, description: "changed by hand" });
    await fixture.client.deleteApiKey(ciId);
    const plan = await keyform(target, ["plan", "--json", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    const parsed = JSON.parse(plan.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[]; resource_drift: { address: string }[] };
    expect(parsed.resource_drift.map((drift) => drift.address).sort()).toEqual(["keyform_api_key.batch", "keyform_api_key.ci"]);
    expect(parsed.resource_changes.filter((change) => change.change.actions[0] !== "no-op").map((change) => [change.address, change.change.actions])).toEqual([
      ["keyform_api_key.batch", ["update"]],
      ["keyform_api_key.ci", ["create"]],
    ]);
    await applyOk();
    expect((await keysById(accountA)).get(batchId)?.description).toBe("batch");
    expect((await keysById(accountB)).has(idOf("keyform_api_key.ci"))).toBe(true);
    await expectEmptyPlan();
  });

  it("locks the state: a held lock names its owner, a stale one is reported and --force-unlock removes it", async () => {
    const lockFile = `${target.stateFile}.lock`;
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), user: "tester", command: "apply", started_at: "2026-01-01T00:00:00Z" }));
    const held = await keyform(target, ["apply", "--auto-approve", "--force-unlock"]);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain(`is held by pid ${process.pid} on ${hostname()}, user tester, command "apply"`);

    writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 22 + 12_345, host: hostname(), user: "tester", command: "apply", started_at: "2026-01-01T00:00:00Z" }));
    const stale = await keyform(target, ["apply", "--auto-approve"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale lock");
    const unlocked = await keyform(target, ["force-unlock"]);
    expect(unlocked.stdout).toContain("no longer running");
    await applyOk();
  });

  it("imports an existing key (secret unknown), shows and removes state entries, refreshes, destroys everything", async () => {
    const created = await fixture.client.createApiKey({ serviceAccountId: accountB, description: "made elsewhere" });
    const id = created.apiKey?.id ?? "";
    const serial = readState().serial;
    // The stack does not declare the address: refused, as Terraform does (the next apply would delete the key).
    const undeclared = await keyform(target, ["import", "keyform_api_key.adopted", id]);
    expect(undeclared.code).toBe(1);
    expect(undeclared.stderr).toMatch(/^Error: cannot import into keyform_api_key\.adopted: stack fixture \(.*cdk\.tf\.json\) does not declare it, so the next apply would delete the adopted key\. /);
    expect(undeclared.stderr).toContain('new ApiKey(this, "adopted", { serviceAccountId: ... }) with .overrideLogicalId("adopted")');
    expect(undeclared.stderr).toContain("The stack declares: keyform_api_key.batch, keyform_api_key.ci, keyform_api_key.web. Nothing was changed");
    expect(readState().serial).toBe(serial);

    // A stack that declares it (and a second address for the same key).
    const importTarget = { ...target, outDir: path.join(work, "import.out") };
    await synthesize({ keys: [{ name: "adopted", serviceAccountId: accountB, description: "made elsewhere" }, { name: "twice", serviceAccountId: accountB }] }, importTarget.outDir);
    const imported = await keyform(importTarget, ["import", "keyform_api_key.adopted", id]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("The secret of an imported key is unknown");
    const adopted = readState().resources.find((resource) => resource.address === "keyform_api_key.adopted");
    expect(adopted?.attributes).toMatchObject({ id, secret_key: null, secret_unknown: true });
    const afterImport = readState().serial;
    const again = await keyform(importTarget, ["import", "keyform_api_key.adopted", id]);
    expect(again.stderr).toBe(`Error: keyform_api_key.adopted is already in ${target.stateFile}; remove it first with keyform state rm keyform_api_key.adopted. Nothing was changed\n`);
    const twice = await keyform(importTarget, ["import", "keyform_api_key.twice", id]);
    expect(twice.stderr).toBe(`Error: key ${id} is already managed as keyform_api_key.adopted in ${target.stateFile}; a key can be imported under one address only. Nothing was changed\n`);
    expect([again.code, twice.code, readState().serial]).toEqual([1, 1, afterImport]);

    const list = await keyform(target, ["state", "list"]);
    expect(list.stdout.trim().split("\n")).toEqual(["keyform_api_key.adopted", "keyform_api_key.batch", "keyform_api_key.ci", "keyform_api_key.web"]);
    const show = await keyform(target, ["state", "show", "keyform_api_key.ci"]);
    expect(JSON.parse(show.stdout)).toMatchObject({ secret_key: "<sensitive>", id: idOf("keyform_api_key.ci") });
    expect(show.stdout).not.toMatch(/AQVN/);
    const removed = await keyform(target, ["state", "rm", "keyform_api_key.adopted"]);
    expect(removed.code).toBe(0);
    expect((await keysById(accountB)).has(id)).toBe(true);

    // refresh: a key deleted behind keyform's back leaves the state.
    const batchId = idOf("keyform_api_key.batch");
    await fixture.client.deleteApiKey(batchId);
    const refreshed = await keyform(target, ["refresh"]);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(refreshed.stdout).toContain(`keyform_api_key.batch: key ${batchId} no longer exists; removed from state`);
    expect(readState().resources.map((resource) => resource.address)).toEqual(["keyform_api_key.ci", "keyform_api_key.web"]);

    const destroyed = await keyform(target, ["destroy", "--auto-approve"]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain("0 added, 0 changed, 2 destroyed");
    expect([...(await keysById(accountA)).keys()]).toEqual([]);
    expect([...(await keysById(accountB)).keys()]).toEqual([id]);
    expect(readState().resources).toEqual([]);
  });

  it("prevent_destroy refuses destroy and a plan that would replace the key, changing nothing", async () => {
    await synthesize(spec([{ name: "guarded", serviceAccountId: accountA, description: "keep me", preventDestroy: true }]), target.outDir);
    await applyOk();
    const id = idOf("keyform_api_key.guarded");
    const serial = readState().serial;
    const destroy = await keyform(target, ["destroy", "--auto-approve"]);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain("keyform_api_key.guarded");
    expect(destroy.stderr).toContain("prevent_destroy");
    // Moving it to another account would replace (delete) it: refused too.
    await synthesize(spec([{ name: "guarded", serviceAccountId: accountB, description: "keep me", preventDestroy: true }]), target.outDir);
    const plan = await keyform(target, ["plan"]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("keyform_api_key.guarded");
    const apply = await keyform(target, ["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    expect((await keysById(accountA)).has(id)).toBe(true);
    expect(readState().serial).toBe(serial);
  });
});
