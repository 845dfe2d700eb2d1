import { describe, expect, it } from "vitest";
import { planChanges } from "../../src/reconcile/plan/index.js";
import { PlanRefusedError } from "../../src/reconcile/types.js";
import type { DesiredKey, DesiredOutput, ObservedKey, StateFile, StateResource } from "../../src/reconcile/types.js";
import { CREATED, SA, SECRET, attributes, config, desiredState, key, observed, observedKey, stateFile, tracked } from "./planner-builders.js";

const NOW = new Date("2026-06-01T00:00:00Z");

describe("planChanges: prevent_destroy", () => {
  const cases: { reason: string; desired: DesiredKey[]; state: StateResource[]; refused: string[] }[] = [
    {
      reason: "replacement (delete first) of a protected key is refused",
      desired: [key("ci", { service_account_id: "ajesa2" }, { prevent_destroy: true })],
      state: [tracked("ci", "k1")],
      refused: ["keyform_api_key.ci"],
    },
    {
      reason: "replacement with create_before_destroy still destroys: refused",
      desired: [key("ci", { keepers: { v: "2" } }, { prevent_destroy: true, create_before_destroy: true })],
      state: [tracked("ci", "k1", { keepers: { v: "1" } })],
      refused: ["keyform_api_key.ci"],
    },
    {
      reason: "a due rotation of a protected key is refused",
      desired: [key("ci", { rotate_after: "1d" }, { prevent_destroy: true })],
      state: [tracked("ci", "k1", { rotate_after: "1d" })],
      refused: ["keyform_api_key.ci"],
    },
    {
      reason: "every refused address is named, in address order",
      desired: [key("b", { service_account_id: "x" }, { prevent_destroy: true }), key("a", { scopes: [] }, { prevent_destroy: true }), key("c", { description: "fine" }, { prevent_destroy: true })],
      state: [tracked("a", "k1", { scopes: ["s"] }), tracked("b", "k2"), tracked("c", "k3")],
      refused: ["keyform_api_key.a", "keyform_api_key.b"],
    },
  ];
  it.each(cases)("$reason", ({ desired, state, refused }) => {
    let error: unknown;
    try {
      planChanges({ desired: desiredState(desired), state: stateFile(state), observed: observed({}), now: NOW });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanRefusedError);
    expect((error as PlanRefusedError).addresses).toEqual(refused);
    for (const address of refused) expect((error as Error).message).toContain(address);
    expect((error as Error).message).toContain("prevent_destroy");
  });

  it("removing a protected resource from the configuration removes its protection, as in Terraform", () => {
    const plan = planChanges({ desired: desiredState([]), state: stateFile([tracked("ci", "k1")]), observed: observed({}), now: NOW });
    expect(plan.resource_changes.map((change) => change.actions)).toEqual([["delete"]]);
  });
});

describe("planChanges: prevent_destroy recorded in state (destroy without a synthesized stack)", () => {
  const guarded = (name: string, id: string, extra: Partial<StateResource> = {}) => tracked(name, id, {}, { prevent_destroy: true, ...extra });
  const cases: { reason: string; desired: DesiredKey[]; state: StateResource[]; fromState: boolean; want: { actions: string[][] } | { refused: string[] } }[] = [
    {
      reason: "no configuration: a key state records as protected is refused, the others are deleted",
      desired: [],
      state: [guarded("a", "k1"), tracked("b", "k2"), guarded("c", "k3")],
      fromState: true,
      want: { refused: ["keyform_api_key.a", "keyform_api_key.c"] },
    },
    {
      reason: "no configuration, no record (a state written before keyform recorded lifecycle): deleted",
      desired: [],
      state: [tracked("a", "k1"), tracked("b", "k2")],
      fromState: true,
      want: { actions: [["delete"], ["delete"]] },
    },
    {
      reason: "with a configuration, removing a protected resource removes its protection (Terraform), whatever state recorded",
      desired: [],
      state: [guarded("a", "k1")],
      fromState: false,
      want: { actions: [["delete"]] },
    },
    {
      reason: "a declared address takes prevent_destroy from the configuration, not from state's record",
      desired: [key("a", { service_account_id: "ajesa2" })],
      state: [guarded("a", "k1")],
      fromState: true,
      want: { actions: [["delete", "create"]] },
    },
    {
      reason: "a deposed key of a protected resource is still deleted (it is an old key already replaced)",
      desired: [key("a", {}, { prevent_destroy: true })],
      state: [guarded("a", "k1", { deposed: [{ id: "k0", idempotency_key: "i0" }] })],
      fromState: true,
      want: { actions: [["no-op"], ["delete"]] },
    },
  ];
  it.each(cases)("$reason", ({ desired, state, fromState, want }) => {
    const plan = () => planChanges({ desired: desiredState(desired), state: stateFile(state), observed: observed({}), now: NOW, preventDestroyFromState: fromState });
    if ("actions" in want) {
      expect(plan().resource_changes.map((change) => change.actions)).toEqual(want.actions);
      return;
    }
    let error: unknown;
    try {
      plan();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanRefusedError);
    expect((error as PlanRefusedError).addresses).toEqual(want.refused);
    expect((error as Error).message.split("\n").slice(1, -1)).toEqual(
      want.refused.map((address) => `  ${address} (removed_from_config; prevent_destroy recorded in state by the last apply)`),
    );
  });
});

describe("planChanges: values shown and carried", () => {
  it("a create shows declared values, marks computed ones unknown, carries the config", () => {
    const plan = planChanges({ desired: desiredState([key("ci", { description: "CI", scopes: ["a"] })]), state: null, observed: observed({}), now: NOW });
    expect(plan.prior_state).toEqual({ lineage: "", serial: 0 });
    expect(plan.resource_changes[0]).toEqual({
      address: "keyform_api_key.ci",
      service_account_id: SA,
      actions: ["create"],
      reason: "new_in_config",
      key_id: null,
      before: null,
      after: { service_account_id: SA, description: "CI", scopes: ["a"], expires_at: null, rotate_after: null, keepers: null, age_recipients: null, encrypted_secret_key: null },
      after_unknown: { id: true, created_at: true, masked_secret: true, secret_key: true },
      update_mask: [],
      replace_paths: [],
      config: config({ description: "CI", scopes: ["a"] }),
    });
  });

  it("with age recipients the encrypted secret is the unknown one and secret_key stays null", () => {
    const plan = planChanges({ desired: desiredState([key("ci", { age_recipients: ["age1x"] })]), state: null, observed: observed({}), now: NOW });
    expect(plan.resource_changes[0]?.after_unknown).toEqual({ id: true, created_at: true, masked_secret: true, encrypted_secret_key: true });
    expect(plan.resource_changes[0]?.after?.secret_key).toBeNull();
  });

  it("an update shows the refreshed before, the target after, redacts the secret, and records prior state", () => {
    const plan = planChanges({
      desired: desiredState([key("ci", { description: "new" })]),
      state: stateFile([tracked("ci", "k1", { description: "old" })], { serial: 12, lineage: "abc" }),
      observed: observed({ [SA]: [observedKey("k1", { description: "old", masked_secret: "****ABCDEF" })] }),
      now: NOW,
    });
    const shownBase = { id: "k1", service_account_id: SA, scopes: null, expires_at: null, rotate_after: null, keepers: null, age_recipients: null, created_at: CREATED, masked_secret: "****ABCDEF", secret_key: "(sensitive value)", encrypted_secret_key: null };
    expect(plan.prior_state).toEqual({ lineage: "abc", serial: 12 });
    expect(plan.resource_changes[0]?.before).toEqual({ ...shownBase, description: "old" });
    expect(plan.resource_changes[0]?.after).toEqual({ ...shownBase, description: "new" });
    expect(plan.resource_changes[0]?.config).toEqual(config({ description: "new" }));
  });

  it("an attribute equal in meaning keeps its current spelling, so only real changes show", () => {
    const plan = planChanges({
      desired: desiredState([key("ci", { description: "new", expires_at: "2030-01-01T03:00:00+03:00", scopes: ["b", "a"] })]),
      state: stateFile([tracked("ci", "k1", { description: "old", expires_at: "2030-01-01T00:00:00Z", scopes: ["a", "b"] })]),
      observed: observed({ [SA]: [observedKey("k1", { description: "old", expires_at: "2030-01-01T00:00:00Z", scopes: ["a", "b"] })] }),
      now: NOW,
    });
    const change = plan.resource_changes[0];
    expect(change?.update_mask).toEqual(["description"]);
    expect(Object.keys(change?.after ?? {}).filter((name) => JSON.stringify(change?.after?.[name]) !== JSON.stringify(change?.before?.[name]))).toEqual(["description"]);
    expect(change?.config).toEqual(config({ description: "new", expires_at: "2030-01-01T00:00:00Z", scopes: ["a", "b"] }));
  });

  it("an ignored attribute keeps its current value in the carried config", () => {
    const plan = planChanges({
      desired: desiredState([key("ci", { description: "declared", scopes: ["new"] }, { ignore_changes: ["description"] })]),
      state: stateFile([tracked("ci", "k1", { description: "stored", scopes: ["old"] })]),
      observed: observed({ [SA]: [observedKey("k1", { description: "edited", scopes: ["old"] })] }),
      now: NOW,
    });
    expect(plan.resource_changes[0]?.config).toEqual(config({ description: "edited", scopes: ["new"] }));
    expect(plan.resource_changes[0]?.update_mask).toEqual(["scopes"]);
  });

  it("drift shows stored values before and the API's after", () => {
    const plan = planChanges({
      desired: desiredState([key("ci", { description: "CI" })]),
      state: stateFile([tracked("ci", "k1", { description: "CI" })]),
      observed: observed({ [SA]: [observedKey("k1", { description: "edited" })] }),
      now: NOW,
    });
    expect(plan.resource_drift).toHaveLength(1);
    expect(plan.resource_drift[0]?.before.description).toBe("CI");
    expect(plan.resource_drift[0]?.after?.description).toBe("edited");
  });

  it("no secret value reaches the plan, whatever the change", () => {
    const state = stateFile([tracked("a", "k1"), tracked("b", "k2", { keepers: { v: "1" } }), tracked("c", "k3", {}, { deposed: [{ id: "k0", idempotency_key: "i" }] })], {
      outputs: { s: { value: SECRET, sensitive: true } },
    });
    const plan = planChanges({
      desired: desiredState([key("b", { keepers: { v: "2" } }), key("c", { description: "x" })]),
      state,
      observed: observed({ [SA]: [observedKey("k1"), observedKey("k2"), observedKey("k3"), observedKey("k0")] }),
      now: NOW,
    });
    expect(JSON.stringify(plan)).not.toContain(SECRET);
    expect(attributes("k1").secret_key).toBe(SECRET);
  });
});

describe("planChanges: output changes", () => {
  const reference = (name: string, address: string, attribute: string, sensitive = false): DesiredOutput => ({
    name,
    sensitive,
    description: null,
    value: { kind: "reference", address, attribute, path: [] },
  });
  const literal = (name: string, json: unknown): DesiredOutput => ({ name, sensitive: false, description: null, value: { kind: "literal", json } });
  const inSync: StateResource[] = [tracked("ci", "k1", { description: "d" })];
  const listedK1 = { service_account_id: SA, id: SA, keys: [observedKey("k1", { description: "d" })] };
  const cases: {
    reason: string;
    desired: DesiredKey[];
    outputs: DesiredOutput[];
    state: StateFile | null;
    observed?: Record<string, ObservedKey[]>;
    want: Record<string, { actions: string[]; sensitive: boolean }>;
    has_changes: boolean;
  }[] = [
    {
      reason: "an output not yet in state is created (before the first apply)",
      desired: [key("ci")],
      outputs: [reference("secret", "keyform_api_key.ci", "secret_key", true)],
      state: null,
      want: { secret: { actions: ["create"], sensitive: true } },
      has_changes: true,
    },
    {
      reason: "a reference to an unchanged key is a no-op",
      desired: [key("ci", { description: "d" })],
      outputs: [reference("secret", "keyform_api_key.ci", "secret_key", true)],
      state: stateFile(inSync, { outputs: { secret: { value: "x", sensitive: true } } }),
      want: { secret: { actions: ["no-op"], sensitive: true } },
      has_changes: false,
    },
    {
      reason: "a replaced key's secret is unknown until apply: update",
      desired: [key("ci", { description: "d", keepers: { v: "1" } })],
      outputs: [reference("secret", "keyform_api_key.ci", "secret_key", true)],
      state: stateFile(inSync, { outputs: { secret: { value: "x", sensitive: true } } }),
      want: { secret: { actions: ["update"], sensitive: true } },
      has_changes: true,
    },
    {
      reason: "an in-place description update changes an output of the description but not one of the id",
      desired: [key("ci", { description: "new" })],
      outputs: [reference("desc", "keyform_api_key.ci", "description"), reference("id", "keyform_api_key.ci", "id")],
      state: stateFile(inSync, { outputs: { desc: { value: "d", sensitive: false }, id: { value: "k1", sensitive: false } } }),
      want: { desc: { actions: ["update"], sensitive: false }, id: { actions: ["no-op"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "an output no longer declared is deleted",
      desired: [key("ci", { description: "d" })],
      outputs: [],
      state: stateFile(inSync, { outputs: { gone: { value: 1, sensitive: false } } }),
      want: { gone: { actions: ["delete"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "a literal compares by value, not key order",
      desired: [key("ci", { description: "d" })],
      outputs: [literal("same", { a: 1, b: [2] }), literal("changed", "v2")],
      state: stateFile(inSync, { outputs: { same: { value: { b: [2], a: 1 }, sensitive: false }, changed: { value: "v1", sensitive: false } } }),
      want: { changed: { actions: ["update"], sensitive: false }, same: { actions: ["no-op"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "marking an output sensitive is an update",
      desired: [key("ci", { description: "d" })],
      outputs: [{ ...literal("flag", "v"), sensitive: true }],
      state: stateFile(inSync, { outputs: { flag: { value: "v", sensitive: false } } }),
      want: { flag: { actions: ["update"], sensitive: true } },
      has_changes: true,
    },
    {
      reason: "a listing changes when a key of its account changes",
      desired: [key("ci", { description: "d" }), key("new")],
      outputs: [reference("keys", "data.keyform_api_keys.all", "keys")],
      state: stateFile(inSync, { outputs: { keys: { value: [], sensitive: false } } }),
      want: { keys: { actions: ["update"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "a listing whose keys are as state recorded them is a no-op (an apply then writes nothing)",
      desired: [key("ci", { description: "d" })],
      outputs: [reference("all", "data.keyform_api_keys.all", "keys"), { ...reference("first", "data.keyform_api_keys.all", "keys"), value: { kind: "reference", address: "data.keyform_api_keys.all", attribute: "keys", path: [0, "id"] } }],
      state: stateFile(inSync, { outputs: { all: { value: listedK1.keys, sensitive: false }, first: { value: "k1", sensitive: false } } }),
      want: { all: { actions: ["no-op"], sensitive: false }, first: { actions: ["no-op"], sensitive: false } },
      has_changes: false,
    },
    {
      reason: "a listing of an account where a key was made outside keyform (no planned change) is an update",
      desired: [key("ci", { description: "d" })],
      outputs: [reference("all", "data.keyform_api_keys.all", "keys")],
      state: stateFile(inSync, { outputs: { all: { value: listedK1.keys, sensitive: false } } }),
      observed: { [SA]: [observedKey("k1", { description: "d" }), observedKey("k9", { created_at: "2026-02-01T00:00:00Z" })] },
      want: { all: { actions: ["update"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "a listing recorded with last_used_at (older keyform) is rewritten once without it",
      desired: [key("ci", { description: "d" })],
      outputs: [reference("all", "data.keyform_api_keys.all", "keys")],
      state: stateFile(inSync, { outputs: { all: { value: [{ ...listedK1.keys[0], last_used_at: "2026-05-01T00:00:00Z" }], sensitive: false } } }),
      want: { all: { actions: ["update"], sensitive: false } },
      has_changes: true,
    },
    {
      reason: "a listing of an account refresh did not list (--refresh=false) trusts state: no-op",
      desired: [key("ci", { description: "d" })],
      outputs: [reference("all", "data.keyform_api_keys.all", "keys")],
      state: stateFile(inSync, { outputs: { all: { value: ["anything"], sensitive: false } } }),
      observed: {},
      want: { all: { actions: ["no-op"], sensitive: false } },
      has_changes: false,
    },
  ];
  it.each(cases)("$reason", ({ desired, outputs, state, observed: listedKeys, want, has_changes }) => {
    const plan = planChanges({
      desired: desiredState(desired, { outputs, listings: [{ address: "data.keyform_api_keys.all", service_account_id: SA }] }),
      state,
      observed: observed(listedKeys ?? { [SA]: [observedKey("k1", { description: "d" })] }),
      now: NOW,
    });
    expect(plan.output_changes).toEqual(want);
    expect(plan.has_changes).toBe(has_changes);
  });
});
