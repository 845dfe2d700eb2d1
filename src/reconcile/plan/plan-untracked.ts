import type { ObservedKey, ResourceChange, StateResource } from "../types.js";
import { compareText } from "./compare.js";
import { shownObserved } from "./shown-values.js";

/**
 * Keys created this long before a pending create started may still be its outcome (clocks of
 * client and server differ); such keys are never deleted as undeclared.
 */
export const PENDING_CREATE_CLOCK_SKEW_MS = 5 * 60_000;

/** The address given to an undeclared key deleted from an exclusive account. */
export function unmanagedAddress(keyId: string): string {
  return `keyform_api_key.unmanaged[${JSON.stringify(keyId)}]`;
}

/**
 * Keys the API reports that no state entry tracks (neither as its key nor as a deposed key).
 * Under an exclusive service account they are planned for deletion; elsewhere they are left
 * alone and listed. Exception: in an account with an unresolved pending create, an untracked
 * key created after that create started may be its outcome (the applier adopts it by replaying
 * the create), so it is only listed.
 */
export function planUntrackedKeys(
  exclusiveAccounts: readonly string[],
  tracked: readonly StateResource[],
  observed: ReadonlyMap<string, readonly ObservedKey[]>,
): { deletes: ResourceChange[]; unmanaged: ObservedKey[] } {
  const exclusive = new Set(exclusiveAccounts);
  const trackedIds = new Set<string>();
  const pendingSince = new Map<string, number>();
  for (const resource of tracked) {
    if (resource.attributes) trackedIds.add(resource.attributes.id);
    for (const deposed of resource.deposed) trackedIds.add(deposed.id);
    if (resource.pending_create) {
      const account = resource.pending_create.config.service_account_id;
      const started = Date.parse(resource.pending_create.started_at) - PENDING_CREATE_CLOCK_SKEW_MS;
      pendingSince.set(account, Math.min(pendingSince.get(account) ?? Infinity, Number.isNaN(started) ? -Infinity : started));
    }
  }
  const deletes: ResourceChange[] = [];
  const unmanaged: ObservedKey[] = [];
  for (const [account, keys] of observed) {
    for (const key of keys) {
      if (trackedIds.has(key.id)) continue;
      const mayBePending = Date.parse(key.created_at) >= (pendingSince.get(account) ?? Infinity);
      if (!exclusive.has(account) || mayBePending) {
        unmanaged.push(key);
        continue;
      }
      deletes.push({
        address: unmanagedAddress(key.id),
        service_account_id: account,
        actions: ["delete"],
        reason: "not_declared_in_exclusive_account",
        key_id: key.id,
        before: shownObserved(key),
        after: null,
        after_unknown: {},
        update_mask: [],
        replace_paths: [],
        config: null,
      });
    }
  }
  unmanaged.sort((left, right) => compareText(left.service_account_id, right.service_account_id) || compareText(left.id, right.id));
  return { deletes, unmanaged };
}
