import { apiKeyResource, attributeNamed, parseDuration } from "../../resource/index.js";
import type { UpdateMaskPath } from "../../resource/index.js";
import type { ApiKeyConfig, ChangeReason, DesiredKey, Drift, KeyAttributes, ObservedKey, ResourceChange, StateResource } from "../types.js";
import { CONFIG_ATTRIBUTES, OBSERVABLE_ATTRIBUTES, sameValue } from "./compare.js";
import type { ConfigAttribute } from "./compare.js";
import { shownExisting, shownNew } from "./shown-values.js";

/**
 * What refresh says about a tracked key: `found` (with the API's values), `missing` (its
 * account was listed and the key is not there: deleted out of band), or `not_refreshed` (its
 * account was not listed: the state file is trusted, as with `plan -refresh=false`).
 */
export type Observation = { readonly status: "found"; readonly key: ObservedKey } | { readonly status: "missing" } | { readonly status: "not_refreshed" };

export interface KeyPlan {
  readonly change: ResourceChange;
  readonly drift: Drift | null;
}

const definitions = new Map(CONFIG_ATTRIBUTES.map((name) => [name, attributeNamed(apiKeyResource, name)]));

/** Plans one declared key against its state entry (if any) and what refresh observed. */
export function planDesiredKey(desired: DesiredKey, tracked: StateResource | undefined, observation: Observation, now: Date): KeyPlan {
  const base = { address: desired.address, service_account_id: desired.config.service_account_id };
  if (tracked?.pending_create) {
    // The outcome of an interrupted Create is unknown; the applier replays it with the stored
    // idempotency key, which only yields the same key when the same arguments are sent again.
    const config = tracked.pending_create.config;
    const { after, afterUnknown } = shownNew(config);
    if (!tracked.attributes) {
      return { change: { ...base, actions: ["create"], reason: "pending_create_unresolved", key_id: null, before: null, after, after_unknown: afterUnknown, update_mask: [], replace_paths: [], config }, drift: null };
    }
    // A create_before_destroy replacement was interrupted after its Create started.
    return {
      change: {
        ...base,
        actions: ["create", "delete"],
        reason: "pending_create_unresolved",
        key_id: tracked.attributes.id,
        before: shownExisting(tracked.config, tracked.attributes),
        after,
        after_unknown: afterUnknown,
        update_mask: [],
        replace_paths: [],
        config,
      },
      drift: null,
    };
  }
  if (!tracked?.attributes || observation.status === "missing") return planCreate(desired, tracked, observation);

  const attributes = tracked.attributes;
  const observed = observation.status === "found" ? observation.key : null;
  const ignored = (name: ConfigAttribute) => desired.lifecycle.ignore_changes === "all" || desired.lifecycle.ignore_changes.includes(name);
  const current = currentConfig(tracked.config, observed);
  const currentAttributes: KeyAttributes = observed ? { ...attributes, created_at: observed.created_at, masked_secret: observed.masked_secret } : attributes;
  const before = shownExisting(current, currentAttributes);
  const drifted = CONFIG_ATTRIBUTES.filter((name) => !ignored(name) && !sameValue(name, current[name], tracked.config[name]));
  const drift: Drift | null = drifted.length > 0 ? { address: desired.address, key_id: attributes.id, kind: "changed", before: shownExisting(tracked.config, attributes), after: before } : null;

  const changed = CONFIG_ATTRIBUTES.filter((name) => !ignored(name) && !sameValue(name, desired.config[name], current[name]));
  const configChanged = changed.some((name) => !sameValue(name, desired.config[name], tracked.config[name]));
  const replacePaths = changed.filter((name) => {
    const definition = definitions.get(name);
    return definition?.forcesReplacement === true || (definition?.replacesWhen?.(desired.config[name]) ?? false);
  });
  // With rotate_after ignored, the stored period applies (an ignored attribute keeps its value).
  const rotateAfter = ignored("rotate_after") ? current.rotate_after : desired.config.rotate_after;
  const rotationDue = isRotationDue(rotateAfter, currentAttributes.created_at, now);

  if (replacePaths.length > 0 || rotationDue) {
    const reason: ChangeReason = replacePaths.some((name) => definitions.get(name)?.forcesReplacement)
      ? "forces_replacement"
      : replacePaths.length > 0
        ? "cannot_update_in_place"
        : "rotation_due";
    const { after, afterUnknown } = shownNew(desired.config);
    const change: ResourceChange = {
      ...base,
      actions: desired.lifecycle.create_before_destroy ? ["create", "delete"] : ["delete", "create"],
      reason,
      key_id: attributes.id,
      before,
      after,
      after_unknown: afterUnknown,
      update_mask: [],
      replace_paths: replacePaths,
      config: desired.config,
    };
    return { change, drift };
  }

  // Ignored attributes keep their current value, as Terraform keeps the prior state's; so do
  // attributes equal in meaning (another timestamp spelling, another scope order), so that
  // before/after never show a change that is not one.
  const target = Object.fromEntries(
    CONFIG_ATTRIBUTES.map((name) => [name, ignored(name) || !changed.includes(name) ? current[name] : desired.config[name]]),
  ) as unknown as ApiKeyConfig;
  if (changed.length === 0) {
    return { change: { ...base, actions: ["no-op"], reason: null, key_id: attributes.id, before, after: before, after_unknown: {}, update_mask: [], replace_paths: [], config: target }, drift };
  }
  const after = shownExisting(target, currentAttributes);
  // An empty mask means only keyform's own arguments changed (rotate_after): state only, no RPC.
  const updateMask = changed.flatMap((name): UpdateMaskPath[] => {
    const path = definitions.get(name)?.updateMaskPath;
    return path ? [path] : [];
  });
  return {
    change: {
      ...base,
      actions: ["update"],
      reason: configChanged ? "config_changed" : "drift_reverted",
      key_id: attributes.id,
      before,
      after,
      after_unknown: {},
      update_mask: updateMask,
      replace_paths: [],
      config: target,
    },
    drift,
  };
}

/** A create: nothing tracked, or the tracked key was deleted behind keyform's back. */
function planCreate(desired: DesiredKey, tracked: StateResource | undefined, observation: Observation): KeyPlan {
  const { after, afterUnknown } = shownNew(desired.config);
  const deletedOutside = tracked?.attributes != null && observation.status === "missing";
  const change: ResourceChange = {
    address: desired.address,
    service_account_id: desired.config.service_account_id,
    actions: ["create"],
    reason: deletedOutside ? "deleted_outside_keyform" : "new_in_config",
    key_id: null,
    before: null,
    after,
    after_unknown: afterUnknown,
    update_mask: [],
    replace_paths: [],
    config: desired.config,
  };
  if (!deletedOutside || !tracked?.attributes) return { change, drift: null };
  return { change, drift: { address: desired.address, key_id: tracked.attributes.id, kind: "deleted", before: shownExisting(tracked.config, tracked.attributes), after: null } };
}

/**
 * The key's configuration as it really is: observable attributes from the API where they
 * differ in meaning from state (keeping state's spelling otherwise, so that `+00:00` versus `Z`
 * never shows as a change), keyform-only attributes from state.
 */
export function currentConfig(stateConfig: ApiKeyConfig, observed: ObservedKey | null): ApiKeyConfig {
  if (!observed) return stateConfig;
  const reported: Partial<Record<ConfigAttribute, unknown>> = {
    service_account_id: observed.service_account_id,
    description: observed.description,
    scopes: observed.scopes,
    expires_at: observed.expires_at,
  };
  const merged: Record<string, unknown> = { ...stateConfig };
  for (const name of OBSERVABLE_ATTRIBUTES) {
    if (!sameValue(name, reported[name], stateConfig[name])) merged[name] = reported[name];
  }
  return merged as unknown as ApiKeyConfig;
}

/** Rotation is due once the key is at least rotate_after old (inclusive). */
export function isRotationDue(rotateAfter: string | null, createdAt: string, now: Date): boolean {
  if (rotateAfter === null) return false;
  const period = parseDuration(rotateAfter);
  const created = Date.parse(createdAt);
  if (period === undefined || Number.isNaN(created)) return false;
  return now.getTime() >= created + period;
}
