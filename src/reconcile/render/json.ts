import { PROVIDER_SOURCE, apiKeyResource } from "../../resource/index.js";
import type { ChangeReason, Drift, Plan, ResourceChange, ShownValues } from "../types.js";
import { splitAddress } from "./plan-summary.js";

/** Version of the JSON below; bumped (minor: additions, major: changes) with its shape. */
export const PLAN_JSON_FORMAT_VERSION = "1.2";

const SENSITIVE_ATTRIBUTES = apiKeyResource.attributes.filter((attribute) => attribute.sensitive).map((attribute) => attribute.name);

/** Terraform's `action_reason` where Terraform has one for the same situation. */
const ACTION_REASONS: Partial<Record<ChangeReason, string>> = {
  forces_replacement: "replace_because_cannot_update",
  cannot_update_in_place: "replace_because_cannot_update",
  rotation_due: "replace_by_triggers",
  removed_from_config: "delete_because_no_resource_config",
  not_declared_in_exclusive_account: "delete_because_no_resource_config",
};

/**
 * The plan as JSON shaped like `terraform show -json <planfile>`: `resource_changes[]` with
 * `address`, `mode`, `type`, `name` (`index` for unmanaged keys, `deposed` for deposed ones),
 * `provider_name`, `change: {actions, before, after, after_unknown, before_sensitive,
 * after_sensitive, replace_paths}`, `action_reason`; `resource_drift[]`; `output_changes`.
 * keyform extras: `update_mask`, `keyform_reason`, `key_id`, `service_account_id` per change;
 * top-level `keyform_version`, `stack`, `prior_state` (lineage, serial), `unmanaged_keys`.
 * Secrets never appear: secret_key values are the "(sensitive value)" marker. Pretty-printed,
 * newline-terminated, deterministic.
 */
export function renderPlanJson(plan: Plan): string {
  const document = {
    format_version: PLAN_JSON_FORMAT_VERSION,
    keyform_version: plan.keyform_version,
    stack: plan.stack,
    prior_state: plan.prior_state,
    resource_drift: plan.resource_drift.map(driftJson),
    resource_changes: plan.resource_changes.map(changeJson),
    output_changes: Object.fromEntries(
      Object.entries(plan.output_changes).map(([name, change]) => [
        name,
        {
          actions: change.actions,
          after_unknown: change.actions[0] === "create" || change.actions[0] === "update",
          before_sensitive: change.sensitive,
          after_sensitive: change.sensitive,
        },
      ]),
    ),
    unmanaged_keys: plan.unmanaged_keys,
    has_changes: plan.has_changes,
    applyable: plan.has_changes,
    complete: true,
    errored: false,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function identity(address: string, deposed?: string) {
  const { type, name, index } = splitAddress(address);
  return {
    address,
    mode: "managed",
    type,
    name,
    ...(index !== null ? { index } : {}),
    ...(deposed !== undefined ? { deposed } : {}),
    provider_name: PROVIDER_SOURCE,
  };
}

function sensitivity(values: ShownValues | null): Record<string, boolean> | false {
  if (values === null) return false;
  return Object.fromEntries(SENSITIVE_ATTRIBUTES.filter((name) => name in values).map((name) => [name, true]));
}

function changeJson(change: ResourceChange) {
  const actionReason = change.reason === null ? undefined : ACTION_REASONS[change.reason];
  return {
    ...identity(change.address, change.deposed),
    change: {
      actions: change.actions,
      before: change.before,
      after: change.after,
      after_unknown: change.after_unknown,
      before_sensitive: sensitivity(change.before),
      after_sensitive: sensitivity(change.after === null ? null : { ...change.after, ...change.after_unknown }),
      replace_paths: change.replace_paths.map((path) => [path]),
    },
    ...(actionReason !== undefined ? { action_reason: actionReason } : {}),
    keyform_reason: change.reason,
    update_mask: change.update_mask,
    key_id: change.key_id,
    service_account_id: change.service_account_id,
  };
}

function driftJson(drift: Drift) {
  return {
    ...identity(drift.address),
    change: {
      actions: drift.kind === "deleted" ? ["delete"] : ["update"],
      before: drift.before,
      after: drift.after,
      after_unknown: {},
      before_sensitive: sensitivity(drift.before),
      after_sensitive: sensitivity(drift.after),
    },
    key_id: drift.key_id,
  };
}
