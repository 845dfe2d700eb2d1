import type { Actions, ChangeReason, Plan } from "../types.js";

/** Terraform's counting: a replacement is one add and one destroy. */
export function planCounts(plan: Plan): { add: number; change: number; destroy: number } {
  const counts = { add: 0, change: 0, destroy: 0 };
  for (const change of plan.resource_changes) {
    const actions = change.actions as readonly string[];
    if (actions.includes("create")) counts.add++;
    if (actions.includes("delete")) counts.destroy++;
    if (actions[0] === "update") counts.change++;
  }
  return counts;
}

/** `Plan: N to add, N to change, N to destroy.` */
export function summaryLine(plan: Plan): string {
  const counts = planCounts(plan);
  return `Plan: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy.`;
}

const ACTION_DISPLAY: Record<string, { readonly symbol: string; readonly words: string }> = {
  create: { symbol: "+", words: "create" },
  update: { symbol: "~", words: "update in-place" },
  delete: { symbol: "-", words: "destroy" },
  "delete,create": { symbol: "-/+", words: "replace (destroy, then create)" },
  "create,delete": { symbol: "+/-", words: "replace (create, then destroy)" },
};

/** The symbol Terraform shows for an action list. */
export function symbolOf(actions: Actions): string {
  return ACTION_DISPLAY[actions.join(",")]?.symbol ?? " ";
}

/** Words for an action list. */
export function actionText(actions: Actions): string {
  return ACTION_DISPLAY[actions.join(",")]?.words ?? "no-op";
}

/** `keyform_api_key.ci` -> type and name; `keyform_api_key.unmanaged["id"]` -> name `unmanaged`, index `id`. */
export function splitAddress(address: string): { type: string; name: string; index: string | null } {
  const match = /^([^.]+)\.([^[]+)(?:\[(".*")\])?$/.exec(address);
  if (!match) return { type: address, name: "", index: null };
  return { type: match[1] ?? "", name: match[2] ?? "", index: match[3] === undefined ? null : (JSON.parse(match[3]) as string) };
}

/** Words for a change's reason (Markdown table, progress lines). */
export const REASON_TEXT: Record<ChangeReason, string> = {
  new_in_config: "new in configuration",
  deleted_outside_keyform: "re-created: deleted outside keyform",
  config_changed: "configuration changed",
  drift_reverted: "reverting a change made outside keyform",
  forces_replacement: "change forces replacement",
  cannot_update_in_place: "cannot be updated in place",
  rotation_due: "rotation due",
  removed_from_config: "removed from configuration",
  not_declared_in_exclusive_account: "not declared in an exclusive service account",
  pending_create_unresolved: "finishing an interrupted create",
  deposed: "old key of a replacement",
};
