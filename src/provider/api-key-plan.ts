import { apiKeyResource, parseDuration, parseRfc3339 } from "../resource/index.js";
import type { UpdateMaskPath } from "../resource/index.js";
import type { TerraformObject, TerraformValue } from "./dynamic-value.js";
import { UNKNOWN } from "./dynamic-value.js";

/**
 * The pure planning rules of `keyform_api_key` (PlanResourceChange), derived from
 * src/resource's definition: which attributes force replacement, which values cannot be set
 * in place, when rotation is due, and the exact update mask of an in-place change.
 */

/** Computed attributes that only the API (or the create response) can fill in. */
const API_COMPUTED = ["id", "created_at", "masked_secret"] as const;

/** `private` bytes of an imported key: keepers/age_recipients from config are adopted, not a replacement. */
export const IMPORTED_PRIVATE = new TextEncoder().encode(JSON.stringify({ imported: true }));

export interface PlanInput {
  readonly prior: TerraformObject | null;
  readonly proposed: TerraformObject | null;
  readonly priorPrivate: Uint8Array;
  /** Epoch milliseconds used to decide whether rotation is due. */
  readonly now: number;
}

export interface PlanOutput {
  readonly planned: TerraformObject | null;
  /** Attribute names whose change forces replacement (requires_replace). */
  readonly requiresReplace: string[];
}

/**
 * Plans one key. Create: configuration values kept, computed values unknown, secret_key
 * unknown without age_recipients (encrypted_secret_key unknown with them, the other null).
 * Update: computed values carried over from prior state, unless a replacement is needed
 * (service_account_id / keepers / age_recipients changed, scopes emptied, rotation due), in
 * which case they become unknown and requiresReplace names the reason.
 */
export function planApiKey(input: PlanInput): PlanOutput {
  const { prior, proposed } = input;
  if (proposed === null) return { planned: null, requiresReplace: [] };
  if (prior === null) return { planned: withFreshComputed(proposed), requiresReplace: [] };

  const imported = isImported(input.priorPrivate);
  const requiresReplace: string[] = [];
  for (const attribute of apiKeyResource.attributes) {
    const before = prior[attribute.name] ?? null;
    const after = proposed[attribute.name] ?? null;
    if (valuesEqual(before, after)) continue;
    // An imported key's keepers and age_recipients were never known: adopt the configured ones.
    if (imported && before === null && (attribute.name === "keepers" || attribute.name === "age_recipients")) continue;
    if (attribute.forcesReplacement || (after !== UNKNOWN && attribute.replacesWhen?.(after))) requiresReplace.push(attribute.name);
  }
  const planned: TerraformObject = { ...proposed };
  if (rotationDue(prior, proposed, input.now)) {
    // Terraform honours a requires_replace path only where prior and planned differ.
    planned.created_at = UNKNOWN;
    requiresReplace.push("created_at");
  }
  if (requiresReplace.length > 0) return { planned: withFreshComputed(planned), requiresReplace };
  return { planned, requiresReplace };
}

/** The update_mask paths of the updatable attributes that differ between prior and planned. */
export function updateMaskOf(prior: TerraformObject, planned: TerraformObject): UpdateMaskPath[] {
  return apiKeyResource.attributes
    .filter((attribute) => attribute.updateMaskPath && !valuesEqual(prior[attribute.name] ?? null, planned[attribute.name] ?? null))
    .map((attribute) => attribute.updateMaskPath as UpdateMaskPath);
}

/** True when created_at + rotate_after is not after `now`. */
export function rotationDue(prior: TerraformObject, proposed: TerraformObject, now: number): boolean {
  const rotateAfter = proposed.rotate_after;
  const createdAt = prior.created_at;
  if (typeof rotateAfter !== "string" || typeof createdAt !== "string") return false;
  const duration = parseDuration(rotateAfter);
  const created = parseRfc3339(createdAt);
  return duration !== undefined && created !== undefined && created.ms + duration <= now;
}

/** Deep equality of known values; an unknown equals nothing. */
export function valuesEqual(left: TerraformValue, right: TerraformValue): boolean {
  if (left === UNKNOWN || right === UNKNOWN) return false;
  if (left === right) return true;
  if (left === null || right === null || typeof left !== "object" || typeof right !== "object") return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length && left.every((item, index) => valuesEqual(item, right[index] ?? null));
  }
  const leftRecord = left as Record<string, TerraformValue>;
  const rightRecord = right as Record<string, TerraformValue>;
  const leftKeys = Object.keys(leftRecord);
  return (
    leftKeys.length === Object.keys(rightRecord).length &&
    leftKeys.every((key) => key in rightRecord && valuesEqual(leftRecord[key] ?? null, rightRecord[key] ?? null))
  );
}

function withFreshComputed(values: TerraformObject): TerraformObject {
  const planned: TerraformObject = { ...values };
  for (const name of API_COMPUTED) planned[name] = UNKNOWN;
  const recipients = values.age_recipients ?? null;
  planned.secret_key = recipients === null ? UNKNOWN : recipients === UNKNOWN ? UNKNOWN : null;
  planned.encrypted_secret_key = recipients === null ? null : UNKNOWN;
  return planned;
}

function isImported(priorPrivate: Uint8Array): boolean {
  if (priorPrivate.length === 0) return false;
  try {
    return (JSON.parse(new TextDecoder().decode(priorPrivate)) as { imported?: unknown }).imported === true;
  } catch {
    return false;
  }
}
