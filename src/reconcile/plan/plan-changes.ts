import { PROVIDER_VERSION } from "../../resource/index.js";
import { PlanRefusedError } from "../types.js";
import type { DesiredState, Drift, ObservedKey, Plan, ResourceChange, StateFile, StateResource } from "../types.js";
import { compareText } from "./compare.js";
import { planDesiredKey } from "./plan-key.js";
import type { Observation } from "./plan-key.js";
import { planOutputs } from "./plan-outputs.js";
import { shownExisting, shownObserved } from "./shown-values.js";
import { declaredPreventDestroy, preventDestroySource } from "../state/lifecycle-record.js";
import { planUntrackedKeys } from "./plan-untracked.js";

export interface PlanInput {
  readonly desired: DesiredState;
  /** null before the first apply. */
  readonly state: StateFile | null;
  /**
   * Keys listed by refresh, per service account id. Contract: an account that was listed has
   * an entry (possibly empty); an account with no entry was not refreshed, so its tracked keys
   * are taken from the state file as they are (no drift, no deletion detected).
   */
  readonly observed: ReadonlyMap<string, readonly ObservedKey[]>;
  /** The planning instant (rotation); passed in so that the planner stays pure. */
  readonly now: Date;
  /**
   * True when there is no configuration to take lifecycle from (destroy without a synthesized
   * stack): a tracked address `desired` does not declare is then protected when state records
   * prevent_destroy. Otherwise, as in Terraform, removing a resource from the configuration
   * removes its protection.
   */
  readonly preventDestroyFromState?: boolean;
}

/**
 * The planner: a pure function of desired state, prior state and observed keys. Returns every
 * declared, tracked, deposed and (in exclusive accounts) untracked key's change, sorted by
 * address, no-ops included (as `terraform show -json` does). Never includes a secret value.
 *
 * @throws PlanRefusedError when the plan would delete or replace a key whose configuration sets
 *   `prevent_destroy`; the error names every such address.
 */
export function planChanges(input: PlanInput): Plan {
  const { desired, state, observed, now } = input;
  const trackedByAddress = new Map((state?.resources ?? []).map((resource) => [resource.address, resource]));
  const observedById = new Map<string, ObservedKey>();
  for (const keys of observed.values()) for (const key of keys) observedById.set(key.id, key);
  const observe = (serviceAccountId: string, keyId: string): Observation => {
    const key = observedById.get(keyId);
    if (key) return { status: "found", key };
    return observed.has(serviceAccountId) ? { status: "missing" } : { status: "not_refreshed" };
  };

  const changes: ResourceChange[] = [];
  const drifts: Drift[] = [];
  const desiredAddresses = new Set<string>();
  for (const key of desired.keys) {
    desiredAddresses.add(key.address);
    const tracked = trackedByAddress.get(key.address);
    const observation = tracked?.attributes ? observe(tracked.config.service_account_id, tracked.attributes.id) : ({ status: "not_refreshed" } as const);
    const { change, drift } = planDesiredKey(key, tracked, observation, now);
    changes.push(change);
    if (drift) drifts.push(drift);
  }
  for (const tracked of state?.resources ?? []) {
    if (!desiredAddresses.has(tracked.address)) {
      const { change, drift } = planRemoved(tracked, observe);
      changes.push(change);
      if (drift) drifts.push(drift);
    }
    changes.push(...planDeposed(tracked, observedById));
  }
  const untracked = planUntrackedKeys(desired.exclusive_service_accounts, state?.resources ?? [], observed);
  changes.push(...untracked.deletes);
  changes.sort(compareChanges);
  drifts.sort((left, right) => compareText(left.address, right.address));

  refuseProtectedDestroys(desired, trackedByAddress, input.preventDestroyFromState === true, changes);

  const outputChanges = planOutputs(desired, state, changes, observed);
  const hasChanges =
    changes.some((change) => change.actions[0] !== "no-op") || Object.values(outputChanges).some((change) => change.actions[0] !== "no-op");
  return {
    format_version: "1.0",
    keyform_version: PROVIDER_VERSION,
    stack: desired.stack,
    prior_state: { lineage: state?.lineage ?? "", serial: state?.serial ?? 0 },
    resource_changes: changes,
    resource_drift: drifts,
    unmanaged_keys: untracked.unmanaged,
    output_changes: outputChanges,
    has_changes: hasChanges,
  };
}

/**
 * A tracked key no longer declared. Planned even when refresh found it gone, so that the
 * applier drops the state entry (a delete of a missing key succeeds as NOT_FOUND). With no
 * attributes (an unresolved pending create) key_id is null: the applier resolves the pending
 * create first (replay with its idempotency key) to learn which key to delete.
 */
function planRemoved(tracked: StateResource, observe: (serviceAccountId: string, keyId: string) => Observation): { change: ResourceChange; drift: Drift | null } {
  const attributes = tracked.attributes;
  const observation = attributes ? observe(tracked.config.service_account_id, attributes.id) : null;
  const before = attributes ? shownExisting(tracked.config, attributes) : null;
  const change: ResourceChange = {
    address: tracked.address,
    service_account_id: tracked.config.service_account_id,
    actions: ["delete"],
    reason: "removed_from_config",
    key_id: attributes?.id ?? null,
    before,
    after: null,
    after_unknown: {},
    update_mask: [],
    replace_paths: [],
    config: null,
  };
  const drift: Drift | null =
    attributes && before && observation?.status === "missing" ? { address: tracked.address, key_id: attributes.id, kind: "deleted", before, after: null } : null;
  return { change, drift };
}

/** Old keys of interrupted create_before_destroy replacements: always deleted. */
function planDeposed(tracked: StateResource, observedById: ReadonlyMap<string, ObservedKey>): ResourceChange[] {
  return tracked.deposed.map((deposed) => {
    const key = observedById.get(deposed.id);
    return {
      address: tracked.address,
      service_account_id: key?.service_account_id ?? tracked.config.service_account_id,
      actions: ["delete"],
      reason: "deposed",
      key_id: deposed.id,
      before: key ? shownObserved(key) : { id: deposed.id },
      after: null,
      after_unknown: {},
      update_mask: [],
      replace_paths: [],
      config: null,
      deposed: deposed.id,
    };
  });
}

/** Refuses the plan when it would delete a protected key (see preventDestroySource for where protection comes from). */
function refuseProtectedDestroys(desired: DesiredState, tracked: ReadonlyMap<string, StateResource>, fromState: boolean, changes: readonly ResourceChange[]): void {
  const declared = declaredPreventDestroy(desired);
  const protectedBy = (address: string) => preventDestroySource(address, declared, tracked.get(address), fromState);
  const refused = changes.filter((change) => change.deposed === undefined && protectedBy(change.address) !== null && (change.actions as readonly string[]).includes("delete"));
  if (refused.length === 0) return;
  const lines = refused.map((change) => {
    const why = change.replace_paths.length > 0 ? `replacement forced by ${change.replace_paths.join(", ")}` : (change.reason ?? "replacement");
    const where = protectedBy(change.address) === "state" ? "; prevent_destroy recorded in state by the last apply" : "";
    return `  ${change.address} (${why}${where})`;
  });
  const anyFromState = refused.some((change) => protectedBy(change.address) === "state");
  throw new PlanRefusedError(
    `Instance cannot be destroyed: lifecycle.prevent_destroy is set, but the plan would destroy:\n${lines.join("\n")}\n` +
      "To go ahead, remove prevent_destroy from these resources, or change the configuration so that they are not replaced." +
      (anyFromState ? " Without a synthesized stack, state's record applies: apply a stack that declares these resources without prevent_destroy first, or stop managing them with keyform state rm (their keys are kept)." : ""),
    refused.map((change) => change.address),
  );
}

/** Address order; the delete of a deposed key comes right after its resource's own change. */
function compareChanges(left: ResourceChange, right: ResourceChange): number {
  return compareText(left.address, right.address) || compareText(left.deposed ?? "", right.deposed ?? "");
}
