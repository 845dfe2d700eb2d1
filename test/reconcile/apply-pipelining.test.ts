import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyClient } from "../../src/client/index.js";
import { applyChanges } from "../../src/reconcile/apply/index.js";
import { planChanges } from "../../src/reconcile/plan/index.js";
import { createStateStore, newState, readStateOrNew } from "../../src/reconcile/state/index.js";
import type { StateDraft, StateStore } from "../../src/reconcile/state/index.js";
import { configFor, desiredKey, desiredState, startApplyFixture } from "./apply-helpers.js";
import type { ApplyFixture } from "./apply-helpers.js";

let fixture: ApplyFixture;
beforeAll(async () => {
  fixture = await startApplyFixture();
});
afterAll(async () => fixture?.close());

/** True when `mutate` records a created key: some resource's pending entry is cleared by it. */
function recordsCreatedKey(draft: StateDraft, mutate: (draft: StateDraft) => void, address?: string): boolean {
  const before = new Map(draft.resources);
  mutate(draft);
  return [...draft.resources.values()].some(
    (resource) => (address === undefined || resource.address === address) && resource.pending_create === null && before.get(resource.address)?.pending_create != null,
  );
}

/** A real state store whose writes that record a created key wait for `release`. */
function holdingResultWrites(store: StateStore) {
  let release = () => undefined as void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const wrapped: StateStore = Object.create(store) as StateStore;
  wrapped.update = async (mutate: (draft: StateDraft) => void) => {
    let recordsResult = false;
    const write = store.update((draft) => void (recordsResult = recordsCreatedKey(draft, mutate)));
    if (!recordsResult) return write;
    held += 1;
    await released;
    return write;
  };
  return { store: wrapped, release, held: () => held };
}

/** Counts Create RPCs as they are sent. */
function countingCreates(client: ApiKeyClient): { client: ApiKeyClient; creates: () => number } {
  let creates = 0;
  const counting: ApiKeyClient = Object.create(client) as ApiKeyClient;
  counting.createApiKey = (...args) => {
    creates += 1;
    return client.createApiKey(...args);
  };
  return { client: counting, creates: () => creates };
}

describe("applier pipelining", () => {
  it("frees a create's slot once its Create answered: the next Create starts while the result write waits; the apply ends only after it", async () => {
    const account = await fixture.account("pipelining");
    const stateFile = path.join(fixture.dir, "pipelining.state.json");
    const desired = desiredState([desiredKey("one", configFor(account)), desiredKey("two", configFor(account))]);
    const plan = planChanges({ desired, state: newState(), observed: new Map(), now: new Date() });
    const holding = holdingResultWrites(createStateStore(stateFile, newState()));
    const counted = countingCreates(fixture.client);
    let finished = false;
    const applying = applyChanges(counted.client, holding.store, plan.resource_changes, { parallelism: 1 }).then((result) => {
      finished = true;
      return result;
    });
    await expect.poll(() => counted.creates(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => holding.held(), { timeout: 10_000 }).toBe(2);
    expect(finished, "the apply must wait for the held result writes").toBe(false);
    holding.release();
    const result = await applying;
    expect(result).toEqual({ added: 2, changed: 0, destroyed: 0, errors: [] });
    await holding.store.close();
    const state = await readStateOrNew(stateFile);
    expect(state.resources.map((resource) => [resource.address, resource.pending_create, resource.attributes?.secret_key?.slice(0, 4)])).toEqual([
      ["keyform_api_key.one", null, "AQVN"],
      ["keyform_api_key.two", null, "AQVN"],
    ]);
  });

  it("a failing result write fails its change (reported per address); the others are applied", async () => {
    const account = await fixture.account("pipelining-fail");
    const stateFile = path.join(fixture.dir, "pipelining-fail.state.json");
    // "a_unrecorded" runs first (plans sort by address): its write fails while "b_good" still runs (no unhandled rejection meanwhile).
    const desired = desiredState([desiredKey("a_unrecorded", configFor(account)), desiredKey("b_good", configFor(account))]);
    const plan = planChanges({ desired, state: newState(), observed: new Map(), now: new Date() });
    const store = createStateStore(stateFile, newState());
    const failing: StateStore = Object.create(store) as StateStore;
    failing.update = (mutate) => {
      let recordsUnrecorded = false;
      const write = store.update((draft) => void (recordsUnrecorded = recordsCreatedKey(draft, mutate, "keyform_api_key.a_unrecorded")));
      return recordsUnrecorded ? write.then(() => Promise.reject(new Error("disk full (simulated)"))) : write;
    };
    const result = await applyChanges(fixture.client, failing, plan.resource_changes, { parallelism: 1 });
    expect(result.added).toBe(1);
    expect(result.errors).toEqual([{ address: "keyform_api_key.a_unrecorded", message: "disk full (simulated)" }]);
    await store.close();
  });
});
