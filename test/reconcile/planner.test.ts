import { describe, expect, it } from "vitest";
import { planChanges } from "../../src/reconcile/plan/index.js";
import type { DesiredKey, ObservedKey, Plan, StateResource } from "../../src/reconcile/types.js";
import { CREATED, SA, desiredState, key, observed, observedKey, stateFile, tracked } from "./planner-builders.js";

const NOW = new Date("2026-06-01T00:00:00Z");

interface Case {
  reason: string;
  desired: DesiredKey[];
  state: StateResource[] | null;
  observed: Record<string, ObservedKey[]>;
  exclusive?: string[];
  now?: Date;
  want: {
    changes: { address: string; actions: string[]; reason: string | null; key_id: string | null; update_mask: string[]; replace_paths: string[]; deposed?: string }[];
    drift?: { address: string; kind: string; key_id: string }[];
    unmanaged?: string[];
    has_changes: boolean;
  };
}

const change = (address: string, actions: string[], reason: string | null, keyId: string | null, updateMask: string[] = [], replacePaths: string[] = []) => ({
  address: `keyform_api_key.${address}`,
  actions,
  reason,
  key_id: keyId,
  update_mask: updateMask,
  replace_paths: replacePaths,
});
const noop = (address: string, keyId: string) => change(address, ["no-op"], null, keyId);

const cases: Case[] = [
  {
    reason: "a declared key with no state entry is created",
    desired: [key("ci")],
    state: null,
    observed: {},
    want: { changes: [change("ci", ["create"], "new_in_config", null)], has_changes: true },
  },
  {
    reason: "a key in sync is a no-op and the plan has no changes",
    desired: [key("ci", { description: "CI" })],
    state: [tracked("ci", "k1", { description: "CI" })],
    observed: { [SA]: [observedKey("k1", { description: "CI" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "a tracked key missing from its listed account is re-created and reported as deleted drift",
    desired: [key("ci")],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [] },
    want: {
      changes: [change("ci", ["create"], "deleted_outside_keyform", null)],
      drift: [{ address: "keyform_api_key.ci", kind: "deleted", key_id: "k1" }],
      has_changes: true,
    },
  },
  {
    reason: "a tracked key whose account was not refreshed is trusted as the state says",
    desired: [key("ci", { description: "CI" })],
    state: [tracked("ci", "k1", { description: "CI" })],
    observed: {},
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "a pending create without attributes is replayed as a create",
    desired: [key("ci")],
    state: [tracked("ci", null, {}, { pending_create: { idempotency_key: "idem-1", started_at: CREATED, config: tracked("ci", null).config } })],
    observed: { [SA]: [] },
    want: { changes: [change("ci", ["create"], "pending_create_unresolved", null)], has_changes: true },
  },
  {
    reason: "a pending create next to a current key (interrupted create_before_destroy) finishes as create-then-delete",
    desired: [key("ci", { keepers: { v: "2" } })],
    state: [tracked("ci", "k1", {}, { pending_create: { idempotency_key: "idem-1", started_at: CREATED, config: tracked("ci", null, { keepers: { v: "2" } }).config } })],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("ci", ["create", "delete"], "pending_create_unresolved", "k1")], has_changes: true },
  },
  {
    reason: "a description change is an in-place update with mask [description]",
    desired: [key("ci", { description: "new" })],
    state: [tracked("ci", "k1", { description: "old" })],
    observed: { [SA]: [observedKey("k1", { description: "old" })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["description"])], has_changes: true },
  },
  {
    reason: "a scopes change is an in-place update with mask [scopes]",
    desired: [key("ci", { scopes: ["a", "c"] })],
    state: [tracked("ci", "k1", { scopes: ["a", "b"] })],
    observed: { [SA]: [observedKey("k1", { scopes: ["a", "b"] })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["scopes"])], has_changes: true },
  },
  {
    reason: "adding an expiry is an in-place update with mask [expires_at]",
    desired: [key("ci", { expires_at: "2030-01-01T00:00:00Z" })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["expires_at"])], has_changes: true },
  },
  {
    reason: "three updatable changes give a mask in attribute order, whatever the config order",
    desired: [key("ci", { expires_at: "2031-01-01T00:00:00Z", scopes: ["x"], description: "d2" })],
    state: [tracked("ci", "k1", { description: "d1", scopes: ["y"], expires_at: "2030-01-01T00:00:00Z" })],
    observed: { [SA]: [observedKey("k1", { description: "d1", scopes: ["y"], expires_at: "2030-01-01T00:00:00Z" })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["description", "scopes", "expires_at"])], has_changes: true },
  },
  {
    reason: "the same expiry instant spelled with an offset is no change (instants, not strings)",
    desired: [key("ci", { expires_at: "2030-01-01T03:00:00+03:00" })],
    state: [tracked("ci", "k1", { expires_at: "2030-01-01T00:00:00Z" })],
    observed: { [SA]: [observedKey("k1", { expires_at: "2030-01-01T00:00:00.000Z" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "a different sub-second expiry is a change",
    desired: [key("ci", { expires_at: "2030-01-01T00:00:00.000000001Z" })],
    state: [tracked("ci", "k1", { expires_at: "2030-01-01T00:00:00Z" })],
    observed: { [SA]: [observedKey("k1", { expires_at: "2030-01-01T00:00:00Z" })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["expires_at"])], has_changes: true },
  },
  {
    reason: "removing expires_at clears it with mask [expires_at]",
    desired: [key("ci")],
    state: [tracked("ci", "k1", { expires_at: "2030-01-01T00:00:00Z" })],
    observed: { [SA]: [observedKey("k1", { expires_at: "2030-01-01T00:00:00Z" })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["expires_at"])], has_changes: true },
  },
  {
    reason: "scopes in another order are the same set",
    desired: [key("ci", { scopes: ["b", "a"] })],
    state: [tracked("ci", "k1", { scopes: ["a", "b"] })],
    observed: { [SA]: [observedKey("k1", { scopes: ["a", "b"] })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "an unset description equals the API's empty description",
    desired: [key("ci")],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1", { description: "" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "emptying scopes cannot be done in place (Update needs 1-100 scopes): replace",
    desired: [key("ci", { scopes: [] })],
    state: [tracked("ci", "k1", { scopes: ["a"] })],
    observed: { [SA]: [observedKey("k1", { scopes: ["a"] })] },
    want: { changes: [change("ci", ["delete", "create"], "cannot_update_in_place", "k1", [], ["scopes"])], has_changes: true },
  },
  {
    reason: "removing scopes altogether also replaces",
    desired: [key("ci")],
    state: [tracked("ci", "k1", { scopes: ["a"] })],
    observed: { [SA]: [observedKey("k1", { scopes: ["a"] })] },
    want: { changes: [change("ci", ["delete", "create"], "cannot_update_in_place", "k1", [], ["scopes"])], has_changes: true },
  },
  {
    reason: "a new service account forces replacement, delete first by default",
    desired: [key("ci", { service_account_id: "ajesa2" })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1")], ajesa2: [] },
    want: { changes: [change("ci", ["delete", "create"], "forces_replacement", "k1", [], ["service_account_id"])], has_changes: true },
  },
  {
    reason: "create_before_destroy turns the replacement around",
    desired: [key("ci", { service_account_id: "ajesa2" }, { create_before_destroy: true })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1")], ajesa2: [] },
    want: { changes: [change("ci", ["create", "delete"], "forces_replacement", "k1", [], ["service_account_id"])], has_changes: true },
  },
  {
    reason: "a keepers change forces replacement; the description change rides along in the new key",
    desired: [key("ci", { keepers: { v: "2" }, description: "new" })],
    state: [tracked("ci", "k1", { keepers: { v: "1" }, description: "old" })],
    observed: { [SA]: [observedKey("k1", { description: "old" })] },
    want: { changes: [change("ci", ["delete", "create"], "forces_replacement", "k1", [], ["keepers"])], has_changes: true },
  },
  {
    reason: "new age recipients force replacement (the secret cannot be re-encrypted)",
    desired: [key("ci", { age_recipients: ["age1new"] })],
    state: [tracked("ci", "k1", { age_recipients: ["age1old"] })],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("ci", ["delete", "create"], "forces_replacement", "k1", [], ["age_recipients"])], has_changes: true },
  },
  {
    reason: "rotation is due exactly when the key is rotate_after old",
    desired: [key("ci", { rotate_after: "1d" })],
    state: [tracked("ci", "k1", { rotate_after: "1d" })],
    observed: { [SA]: [observedKey("k1", { created_at: "2026-05-31T00:00:00Z" })] },
    want: { changes: [change("ci", ["delete", "create"], "rotation_due", "k1")], has_changes: true },
  },
  {
    reason: "one second before rotation is due nothing happens",
    desired: [key("ci", { rotate_after: "1d" })],
    state: [tracked("ci", "k1", { rotate_after: "1d" })],
    observed: { [SA]: [observedKey("k1", { created_at: "2026-05-31T00:00:01Z" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "rotation with create_before_destroy overlaps old and new secrets",
    desired: [key("ci", { rotate_after: "30d" }, { create_before_destroy: true })],
    state: [tracked("ci", "k1", { rotate_after: "30d" })],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("ci", ["create", "delete"], "rotation_due", "k1")], has_changes: true },
  },
  {
    reason: "changing rotate_after alone (not due) updates state only: update with an empty mask",
    desired: [key("ci", { rotate_after: "365d" })],
    state: [tracked("ci", "k1", { rotate_after: "300d" })],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", [])], has_changes: true },
  },
  {
    reason: "a description changed out of band is planned back and listed as drift",
    desired: [key("ci", { description: "CI" })],
    state: [tracked("ci", "k1", { description: "CI" })],
    observed: { [SA]: [observedKey("k1", { description: "edited by hand" })] },
    want: {
      changes: [change("ci", ["update"], "drift_reverted", "k1", ["description"])],
      drift: [{ address: "keyform_api_key.ci", kind: "changed", key_id: "k1" }],
      has_changes: true,
    },
  },
  {
    reason: "drift and a config change together: one update, reason config_changed, mask of both",
    desired: [key("ci", { description: "CI", scopes: ["new"] })],
    state: [tracked("ci", "k1", { description: "CI", scopes: ["old"] })],
    observed: { [SA]: [observedKey("k1", { description: "edited", scopes: ["old"] })] },
    want: {
      changes: [change("ci", ["update"], "config_changed", "k1", ["description", "scopes"])],
      drift: [{ address: "keyform_api_key.ci", kind: "changed", key_id: "k1" }],
      has_changes: true,
    },
  },
  {
    reason: "drift that already matches a new configuration needs no update (but is shown)",
    desired: [key("ci", { description: "new" })],
    state: [tracked("ci", "k1", { description: "old" })],
    observed: { [SA]: [observedKey("k1", { description: "new" })] },
    want: { changes: [noop("ci", "k1")], drift: [{ address: "keyform_api_key.ci", kind: "changed", key_id: "k1" }], has_changes: false },
  },
  {
    reason: "ignore_changes hides both drift and config changes of that attribute",
    desired: [key("ci", { description: "wanted" }, { ignore_changes: ["description"] })],
    state: [tracked("ci", "k1", { description: "CI" })],
    observed: { [SA]: [observedKey("k1", { description: "edited" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "ignore_changes of one attribute leaves the others planned",
    desired: [key("ci", { description: "new", scopes: ["b"] }, { ignore_changes: ["scopes"] })],
    state: [tracked("ci", "k1", { description: "old", scopes: ["a"] })],
    observed: { [SA]: [observedKey("k1", { description: "old", scopes: ["a"] })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["description"])], has_changes: true },
  },
  {
    reason: 'ignore_changes "all" ignores every attribute, even a forcing one',
    desired: [key("ci", { service_account_id: "ajesa2", description: "x" }, { ignore_changes: "all" })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1", { description: "y" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "ignoring service_account_id suppresses its replacement",
    desired: [key("ci", { service_account_id: "ajesa2" }, { ignore_changes: ["service_account_id"] })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "a tracked key no longer declared is deleted",
    desired: [],
    state: [tracked("old", "k1")],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [change("old", ["delete"], "removed_from_config", "k1")], has_changes: true },
  },
  {
    reason: "an undeclared key already gone is still planned for deletion so that state drops it",
    desired: [],
    state: [tracked("old", "k1")],
    observed: { [SA]: [] },
    want: {
      changes: [change("old", ["delete"], "removed_from_config", "k1")],
      drift: [{ address: "keyform_api_key.old", kind: "deleted", key_id: "k1" }],
      has_changes: true,
    },
  },
  {
    reason: "an undeclared pending create is deleted without a known key id (the applier resolves it first)",
    desired: [],
    state: [tracked("old", null, {}, { pending_create: { idempotency_key: "idem-1", started_at: CREATED, config: tracked("old", null).config } })],
    observed: { [SA]: [] },
    want: { changes: [change("old", ["delete"], "removed_from_config", null)], has_changes: true },
  },
  {
    reason: "a deposed key is deleted right after its resource's own change",
    desired: [key("ci")],
    state: [tracked("ci", "k2", {}, { deposed: [{ id: "k1", idempotency_key: "idem-d" }] })],
    observed: { [SA]: [observedKey("k1"), observedKey("k2")] },
    want: { changes: [noop("ci", "k2"), { ...change("ci", ["delete"], "deposed", "k1"), deposed: "k1" }], has_changes: true },
  },
  {
    reason: "an untracked key in an exclusive account is deleted under an unmanaged address",
    desired: [key("ci")],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1"), observedKey("stray")] },
    exclusive: [SA],
    want: {
      changes: [noop("ci", "k1"), { ...change("x", ["delete"], "not_declared_in_exclusive_account", "stray"), address: 'keyform_api_key.unmanaged["stray"]' }],
      has_changes: true,
    },
  },
  {
    reason: "an untracked key in a non-exclusive account is only listed",
    desired: [key("ci")],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [observedKey("k1"), observedKey("stray")], other: [observedKey("s2", { service_account_id: "other" })] },
    want: { changes: [noop("ci", "k1")], unmanaged: ["stray", "s2"], has_changes: false },
  },
  {
    reason: "in an exclusive account, a key that may be a pending create's outcome is listed, not deleted",
    desired: [key("ci")],
    state: [tracked("ci", null, {}, { pending_create: { idempotency_key: "idem-1", started_at: "2026-05-01T00:00:00Z", config: tracked("ci", null).config } })],
    observed: { [SA]: [observedKey("maybe-mine", { created_at: "2026-05-01T00:00:01Z" }), observedKey("older", { created_at: "2026-04-01T00:00:00Z" })] },
    exclusive: [SA],
    want: {
      changes: [change("ci", ["create"], "pending_create_unresolved", null), { ...change("x", ["delete"], "not_declared_in_exclusive_account", "older"), address: 'keyform_api_key.unmanaged["older"]' }],
      unmanaged: ["maybe-mine"],
      has_changes: true,
    },
  },
  {
    reason: "a deposed key in an exclusive account is deleted once, as deposed, not also as unmanaged",
    desired: [key("ci")],
    state: [tracked("ci", "k2", {}, { deposed: [{ id: "k1", idempotency_key: "idem-d" }] })],
    observed: { [SA]: [observedKey("k1"), observedKey("k2")] },
    exclusive: [SA],
    want: { changes: [noop("ci", "k2"), { ...change("ci", ["delete"], "deposed", "k1"), deposed: "k1" }], has_changes: true },
  },
  {
    reason: "changes come sorted by address whatever the input order",
    desired: [key("b"), key("a"), key("c")],
    state: [tracked("c", "k3"), tracked("d", "k4")],
    observed: { [SA]: [observedKey("k3"), observedKey("k4")] },
    want: {
      changes: [change("a", ["create"], "new_in_config", null), change("b", ["create"], "new_in_config", null), noop("c", "k3"), change("d", ["delete"], "removed_from_config", "k4")],
      has_changes: true,
    },
  },
  {
    reason: "emptying scopes with create_before_destroy creates the replacement first",
    desired: [key("ci", { scopes: [] }, { create_before_destroy: true })],
    state: [tracked("ci", "k1", { scopes: ["a"] })],
    observed: { [SA]: [observedKey("k1", { scopes: ["a"] })] },
    want: { changes: [change("ci", ["create", "delete"], "cannot_update_in_place", "k1", [], ["scopes"])], has_changes: true },
  },
  {
    reason: "scopes emptied out of band while the config declares none is already in sync",
    desired: [key("ci")],
    state: [tracked("ci", "k1", { scopes: ["a"] })],
    observed: { [SA]: [observedKey("k1", { scopes: [] })] },
    want: { changes: [noop("ci", "k1")], drift: [{ address: "keyform_api_key.ci", kind: "changed", key_id: "k1" }], has_changes: false },
  },
  {
    reason: "a forcing change and a due rotation together: one replacement, reason forces_replacement",
    desired: [key("ci", { service_account_id: "ajesa2", rotate_after: "1d" }, { create_before_destroy: true })],
    state: [tracked("ci", "k1", { rotate_after: "1d" })],
    observed: { [SA]: [observedKey("k1")], ajesa2: [] },
    want: { changes: [change("ci", ["create", "delete"], "forces_replacement", "k1", [], ["service_account_id"])], has_changes: true },
  },
  {
    reason: "with rotate_after ignored, the stored period decides rotation (not yet due)",
    desired: [key("ci", { rotate_after: "1d" }, { ignore_changes: ["rotate_after"] })],
    state: [tracked("ci", "k1", { rotate_after: "365d" })],
    observed: { [SA]: [observedKey("k1", { created_at: "2026-05-01T00:00:00Z" })] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "with rotate_after ignored, a due stored period still rotates",
    desired: [key("ci", { rotate_after: "365d" }, { ignore_changes: ["rotate_after"] })],
    state: [tracked("ci", "k1", { rotate_after: "1d" })],
    observed: { [SA]: [observedKey("k1", { created_at: "2026-05-01T00:00:00Z" })] },
    want: { changes: [change("ci", ["delete", "create"], "rotation_due", "k1")], has_changes: true },
  },
  {
    reason: "a key imported without its secret is planned like any other (no-op when in sync)",
    desired: [key("ci")],
    state: [{ ...tracked("ci", "k1"), attributes: { id: "k1", created_at: CREATED, masked_secret: "****abcdef", secret_key: null, encrypted_secret_key: null, secret_unknown: true } }],
    observed: { [SA]: [observedKey("k1")] },
    want: { changes: [noop("ci", "k1")], has_changes: false },
  },
  {
    reason: "prevent_destroy does not block an in-place update",
    desired: [key("ci", { description: "new" }, { prevent_destroy: true })],
    state: [tracked("ci", "k1", { description: "old" })],
    observed: { [SA]: [observedKey("k1", { description: "old" })] },
    want: { changes: [change("ci", ["update"], "config_changed", "k1", ["description"])], has_changes: true },
  },
  {
    reason: "prevent_destroy does not block re-creating a key deleted out of band (nothing is destroyed)",
    desired: [key("ci", {}, { prevent_destroy: true })],
    state: [tracked("ci", "k1")],
    observed: { [SA]: [] },
    want: {
      changes: [change("ci", ["create"], "deleted_outside_keyform", null)],
      drift: [{ address: "keyform_api_key.ci", kind: "deleted", key_id: "k1" }],
      has_changes: true,
    },
  },
];

function project(plan: Plan) {
  return {
    changes: plan.resource_changes.map((item) => ({
      address: item.address,
      actions: [...item.actions],
      reason: item.reason,
      key_id: item.key_id,
      update_mask: [...item.update_mask],
      replace_paths: [...item.replace_paths],
      ...(item.deposed !== undefined ? { deposed: item.deposed } : {}),
    })),
    drift: plan.resource_drift.map((item) => ({ address: item.address, kind: item.kind, key_id: item.key_id })),
    unmanaged: plan.unmanaged_keys.map((item) => item.id),
    has_changes: plan.has_changes,
  };
}

describe("planChanges: actions and lifecycle", () => {
  it.each(cases)("$reason", (testCase) => {
    const plan = planChanges({
      desired: desiredState(testCase.desired, { exclusive_service_accounts: testCase.exclusive ?? [] }),
      state: testCase.state === null ? null : stateFile(testCase.state),
      observed: observed(testCase.observed),
      now: testCase.now ?? NOW,
    });
    expect(project(plan)).toEqual({ drift: [], unmanaged: [], ...testCase.want });
  });
});
