import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { ApiError, Code } from "../../src/api-error.js";
import { applyChanges, recoverInterruptedWork, silentProgress } from "../../src/reconcile/apply/index.js";
import { createRequestOf } from "../../src/reconcile/apply/key-requests.js";
import { planChanges } from "../../src/reconcile/plan/index.js";
import { accountsToRefresh, refreshAccounts } from "../../src/reconcile/refresh.js";
import { createStateStore, readStateOrNew } from "../../src/reconcile/state/index.js";
import type { DesiredState, Plan } from "../../src/reconcile/types.js";
import { configFor, desiredKey, desiredState, startApplyFixture } from "./apply-helpers.js";
import type { ApplyFixture } from "./apply-helpers.js";

/** The age round-trip needs the `age` command (Debian package `age`, installed by CI). */
const ageInstalled = spawnSync("age", ["--version"]).error === undefined;
if (!ageInstalled) console.warn("test/reconcile/apply.test.ts: the `age` command is missing, so the age round-trip test is skipped (install Debian's age)");

let fixture: ApplyFixture;
beforeAll(async () => {
  fixture = await startApplyFixture();
});
afterAll(async () => fixture?.close());

/** One `keyform apply` in-process: recover, refresh, plan, apply. Returns the plan, the result and the RPCs it sent. */
async function apply(stateFile: string, desired: DesiredState, now = new Date()) {
  const before = new Map(fixture.client.rpcCounts);
  const store = createStateStore(stateFile, await readStateOrNew(stateFile));
  const recovery = await recoverInterruptedWork(fixture.client, store, silentProgress);
  const observation = await refreshAccounts(fixture.client, accountsToRefresh(desired, store.current()));
  const plan: Plan = planChanges({ desired, state: store.current(), observed: observation.byAccount, now });
  const result = await applyChanges(fixture.client, store, plan.resource_changes, {
    resolvedAddresses: recovery.resolvedAddresses,
    protectedKeyIds: recovery.recoveredKeyIds,
  });
  await store.close();
  const rpcs: Record<string, number> = {};
  for (const [name, count] of fixture.client.rpcCounts) {
    const delta = count - (before.get(name) ?? 0);
    if (delta > 0 && !name.endsWith("/List")) rpcs[name.split("/").pop() as string] = delta;
  }
  return { plan, result, rpcs, state: store.current() };
}

async function expectSecretsAuthenticate(stateFile: string): Promise<void> {
  const state = await readStateOrNew(stateFile);
  for (const resource of state.resources) {
    const secret = resource.attributes?.secret_key;
    expect(secret, resource.address).toMatch(/^AQVN/);
    const own = fixture.clientWithSecret(secret as string);
    const keys = [];
    for await (const key of own.listApiKeys(resource.config.service_account_id)) keys.push(key.id);
    expect(keys).toContain(resource.attributes?.id);
  }
}

describe("applier against a real server", () => {
  it("creates, updates with the exact mask, replaces create-before-destroy, deletes", async () => {
    const account = await fixture.account("apply-lifecycle");
    const other = await fixture.account("apply-lifecycle-other");
    const stateFile = path.join(fixture.dir, "lifecycle.state.json");
    const base = [
      desiredKey("ci", configFor(account, { description: "ci", scopes: ["yc.monitoring.read"] })),
      desiredKey("app", configFor(account, { description: "app" }), { create_before_destroy: true }),
      desiredKey("gone", configFor(account)),
    ];

    const created = await apply(stateFile, desiredState(base));
    expect(created.result).toEqual({ added: 3, changed: 0, destroyed: 0, errors: [] });
    expect(created.rpcs).toEqual({ Create: 3 });
    expect(created.state.resources.every((resource) => resource.pending_create === null)).toBe(true);
    await expectSecretsAuthenticate(stateFile);
    const ids = Object.fromEntries(created.state.resources.map((resource) => [resource.address, resource.attributes?.id]));

    const unchanged = await apply(stateFile, desiredState(base));
    expect(unchanged.plan.has_changes).toBe(false);
    expect(unchanged.rpcs).toEqual({});

    const changed = await apply(
      stateFile,
      desiredState([
        desiredKey("ci", configFor(account, { description: "ci v2", scopes: ["yc.monitoring.read"], expires_at: "2099-01-01T00:00:00Z" })),
        desiredKey("app", configFor(other, { description: "app" }), { create_before_destroy: true }),
      ]),
    );
    expect(changed.result).toEqual({ added: 1, changed: 1, destroyed: 2, errors: [] });
    expect(changed.rpcs).toEqual({ Update: 1, Create: 1, Delete: 2 });
    const operations = [];
    for await (const operation of fixture.client.listApiKeyOperations(ids["keyform_api_key.ci"] as string)) operations.push(operation);
    expect(operations).toHaveLength(1);

    const keys = [...(await fixture.keysOf(account)), ...(await fixture.keysOf(other))];
    expect(keys.map((key) => [key.id === ids["keyform_api_key.ci"] ? "ci" : key.service_account_id === other ? "app" : "?", key.description, key.expires_at]).sort()).toEqual([
      ["app", "app", null],
      ["ci", "ci v2", "2099-01-01T00:00:00Z"],
    ]);
    expect(changed.state.resources.map((resource) => [resource.address, resource.deposed.length])).toEqual([
      ["keyform_api_key.app", 0],
      ["keyform_api_key.ci", 0],
    ]);
    await expectSecretsAuthenticate(stateFile);
  });

  it("deletes undeclared keys only in exclusive accounts; elsewhere they are listed as unmanaged", async () => {
    const exclusive = await fixture.account("apply-exclusive");
    const shared = await fixture.account("apply-shared");
    const stray = await fixture.client.createApiKey({ serviceAccountId: exclusive, description: "stray" });
    const foreign = await fixture.client.createApiKey({ serviceAccountId: shared, description: "someone else's" });
    const stateFile = path.join(fixture.dir, "exclusive.state.json");
    const desired = desiredState([desiredKey("mine", configFor(exclusive)), desiredKey("ours", configFor(shared))], { exclusive_service_accounts: [exclusive] });
    const outcome = await apply(stateFile, desired);
    expect(outcome.result).toEqual({ added: 2, changed: 0, destroyed: 1, errors: [] });
    expect(outcome.plan.unmanaged_keys.map((key) => key.id)).toEqual([foreign.apiKey?.id]);
    const exclusiveKeys = (await fixture.keysOf(exclusive)).map((key) => key.id);
    expect(exclusiveKeys).toEqual([outcome.state.resources.find((resource) => resource.address === "keyform_api_key.mine")?.attributes?.id]);
    expect(exclusiveKeys).not.toContain(stray.apiKey?.id);
    expect((await fixture.keysOf(shared)).map((key) => key.id).sort()).toContain(foreign.apiKey?.id);
    expect(outcome.state.resources.map((resource) => resource.address)).toEqual(["keyform_api_key.mine", "keyform_api_key.ours"]);
  });

  it("an interrupt (abort) starts nothing new, finishes what is in flight, and reports the rest", async () => {
    const account = await fixture.account("apply-interrupt");
    const stateFile = path.join(fixture.dir, "interrupt.state.json");
    const desired = desiredState(["a", "b", "c", "d"].map((name) => desiredKey(name, configFor(account))));
    const store = createStateStore(stateFile, await readStateOrNew(stateFile));
    const plan = planChanges({ desired, state: store.current(), observed: new Map([[account, []]]), now: new Date() });
    const interrupt = new AbortController();
    const result = await applyChanges(fixture.client, store, plan.resource_changes, {
      parallelism: 1,
      signal: interrupt.signal,
      // Ctrl-C while the first change is in flight (its slot frees once its Create answered).
      progress: { ...silentProgress, step: () => interrupt.abort() },
    });
    await store.close();
    expect(result.added).toBe(1);
    expect(result.errors).toEqual(["b", "c", "d"].map((name) => ({ address: `keyform_api_key.${name}`, message: "not started: the run was interrupted", notStarted: true })));
    expect((await fixture.keysOf(account)).map((key) => key.id)).toEqual([store.current().resources[0]?.attributes?.id]);
  });

  it("a failing change is reported per resource and the others are applied", async () => {
    const account = await fixture.account("apply-errors");
    const stateFile = path.join(fixture.dir, "errors.state.json");
    const outcome = await apply(
      stateFile,
      desiredState([desiredKey("good", configFor(account)), desiredKey("bad", configFor("ajenosuchaccount0001"))]),
    );
    expect(outcome.result.added).toBe(1);
    expect(outcome.result.errors.map((error) => error.address)).toEqual(["keyform_api_key.bad"]);
    expect(outcome.result.errors[0]?.message).toMatch(/NOT_FOUND|INVALID_ARGUMENT|PERMISSION_DENIED/);
    expect(await fixture.keysOf(account)).toHaveLength(1);
  });

  it("a pending create whose Create went through is recovered with the same key and secret, no duplicate", async () => {
    const account = await fixture.account("apply-pending");
    const stateFile = path.join(fixture.dir, "pending.state.json");
    const config = configFor(account, { description: "pending" });
    const idempotencyKey = "0b7c2a9e-5d8f-4d0a-9a51-6c0e1f2d3b4a";
    // What an apply killed right after Create leaves: a durable pending entry, and a key on the server.
    const store = createStateStore(stateFile, await readStateOrNew(stateFile));
    await store.update((draft) =>
      void draft.resources.set("keyform_api_key.p", { address: "keyform_api_key.p", config, attributes: null, pending_create: { idempotency_key: idempotencyKey, started_at: new Date().toISOString(), config }, deposed: [] }),
    );
    await store.close();
    const lost = await fixture.client.createApiKey(createRequestOf(config), { idempotencyKey });

    const outcome = await apply(stateFile, desiredState([desiredKey("p", config)], { exclusive_service_accounts: [account] }));
    expect(outcome.result.errors).toEqual([]);
    const keys = await fixture.keysOf(account);
    expect(keys.map((key) => key.id)).toEqual([lost.apiKey?.id]);
    expect(outcome.state.resources[0]?.attributes?.secret_key).toBe(lost.secret);
    expect(outcome.state.resources[0]?.pending_create).toBeNull();
  });

  it.each([
    { reason: "a create (no key before)", replacing: false },
    { reason: "a create_before_destroy replacement (the old key still current)", replacing: true },
  ])("a pending create whose recovery failed, of an address no longer declared: $reason; the delete replays it first, so no key is orphaned", async ({ replacing }) => {
    const account = await fixture.account(`apply-pending-removed-${replacing}`);
    const stateFile = path.join(fixture.dir, `pending-removed-${replacing}.state.json`);
    const config = configFor(account, { description: "pending, then removed" });
    const idempotencyKey = replacing ? "7f0e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b" : "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    const old = replacing ? await fixture.client.createApiKey(createRequestOf(config)) : null;
    const attributes = old?.apiKey
      ? { id: old.apiKey.id, created_at: new Date().toISOString(), masked_secret: old.apiKey.maskedSecret, secret_key: old.secret, encrypted_secret_key: null, secret_unknown: false }
      : null;
    const store = createStateStore(stateFile, await readStateOrNew(stateFile));
    await store.update((draft) =>
      void draft.resources.set("keyform_api_key.p", { address: "keyform_api_key.p", config, attributes, pending_create: { idempotency_key: idempotencyKey, started_at: new Date().toISOString(), config }, deposed: [] }),
    );
    // The killed apply's Create went through; the next apply's replay of it fails (the server was unavailable then).
    await fixture.client.createApiKey(createRequestOf(config), { idempotencyKey });
    const unavailable = Object.assign(Object.create(fixture.client) as typeof fixture.client, {
      createApiKey: () => Promise.reject(new ApiError(Code.UNAVAILABLE, "connection refused")),
    });
    const recovery = await recoverInterruptedWork(unavailable, store, silentProgress);
    expect(recovery.errors.map((error) => error.address)).toEqual(["keyform_api_key.p"]);

    const desired = desiredState([]);
    const observation = await refreshAccounts(fixture.client, accountsToRefresh(desired, store.current()));
    const plan = planChanges({ desired, state: store.current(), observed: observation.byAccount, now: new Date() });
    const result = await applyChanges(fixture.client, store, plan.resource_changes, { resolvedAddresses: recovery.resolvedAddresses, protectedKeyIds: recovery.recoveredKeyIds });
    await store.close();
    expect(result.errors).toEqual([]);
    expect(await fixture.keysOf(account)).toEqual([]);
    expect((await readStateOrNew(stateFile)).resources).toEqual([]);
  });

  it("recovery works on at most `parallelism` resources at once (pending creates and deposed keys)", async () => {
    const account = await fixture.account("apply-recover-bounded");
    const config = configFor(account, { description: "recovering" });
    const inFlight = { now: 0, max: 0 };
    const tracked = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        inFlight.max = Math.max(inFlight.max, ++inFlight.now);
        try {
          return await call(...args);
        } finally {
          inFlight.now--;
        }
      };
    const counting = Object.assign(Object.create(fixture.client) as typeof fixture.client, {
      createApiKey: tracked(fixture.client.createApiKey.bind(fixture.client)),
      deleteApiKey: tracked(fixture.client.deleteApiKey.bind(fixture.client)),
    });
    const cases = [
      { reason: "parallelism 1: one at a time", parallelism: 1, want: 1 },
      { reason: "parallelism 3: three at a time", parallelism: 3, want: 3 },
      { reason: "default (16): all six at once", parallelism: undefined, want: 6 },
    ];
    for (const { reason, parallelism, want } of cases) {
      const stateFile = path.join(fixture.dir, `recover-bounded-${parallelism ?? "default"}.state.json`);
      const store = createStateStore(stateFile, await readStateOrNew(stateFile));
      // Six interrupted resources: three pending creates, three deposed keys.
      const deposedKeys = await Promise.all([1, 2, 3].map(() => fixture.client.createApiKey(createRequestOf(config))));
      await store.update((draft) => {
        for (const index of [1, 2, 3]) {
          const pending = { idempotency_key: `00000000-0000-4000-8000-00000000000${index}-${parallelism ?? 0}`, started_at: new Date().toISOString(), config };
          draft.resources.set(`keyform_api_key.p${index}`, { address: `keyform_api_key.p${index}`, config, attributes: null, pending_create: pending, deposed: [] });
        }
        deposedKeys.forEach((key, index) => {
          const address = `keyform_api_key.d${index}`;
          draft.resources.set(address, { address, config, attributes: null, pending_create: null, deposed: [{ id: key.apiKey?.id ?? "", idempotency_key: `dep-${index}-${parallelism ?? 0}` }] });
        });
      });
      inFlight.max = 0;
      const recovery = await recoverInterruptedWork(counting, store, silentProgress, parallelism === undefined ? {} : { parallelism });
      await store.close();
      expect(recovery.errors, reason).toEqual([]);
      expect(inFlight.max, reason).toBe(want);
      expect([...recovery.resolvedAddresses].sort(), reason).toEqual(["keyform_api_key.p1", "keyform_api_key.p2", "keyform_api_key.p3"]);
      expect(store.current().resources.every((resource) => resource.pending_create === null && resource.deposed.length === 0), reason).toBe(true);
    }
  });

  it.skipIf(!ageInstalled)(`with age_recipients, state holds only the armored ciphertext that \`age -d\` decrypts to a working secret${ageInstalled ? "" : " (SKIPPED: the age command is not installed; CI installs Debian's age)"}`, async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const account = await fixture.account("apply-age");
    const stateFile = path.join(fixture.dir, "age.state.json");
    const outcome = await apply(stateFile, desiredState([desiredKey("sealed", configFor(account, { age_recipients: [recipient] }))]));
    const attributes = outcome.state.resources[0]?.attributes;
    expect(attributes?.secret_key).toBeNull();
    expect(attributes?.encrypted_secret_key).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\n?$/);
    const identityFile = path.join(fixture.dir, "age-identity.txt");
    writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 });
    const decrypted = spawnSync("age", ["-d", "-i", identityFile], { input: attributes?.encrypted_secret_key ?? "", encoding: "utf8" });
    expect(decrypted.status).toBe(0);
    const own = fixture.clientWithSecret(decrypted.stdout);
    const listed = [];
    for await (const key of own.listApiKeys(account)) listed.push(key.id);
    expect(listed).toEqual([attributes?.id]);
  });
});
