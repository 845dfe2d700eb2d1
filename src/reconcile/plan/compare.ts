import { parseRfc3339 } from "../../resource/index.js";
import type { ApiKeyConfig } from "../types.js";

/** The declared arguments of `keyform_api_key`, in definition order (update masks follow it). */
export const CONFIG_ATTRIBUTES = [
  "service_account_id",
  "description",
  "scopes",
  "expires_at",
  "rotate_after",
  "keepers",
  "age_recipients",
] as const satisfies readonly (keyof ApiKeyConfig)[];

export type ConfigAttribute = (typeof CONFIG_ATTRIBUTES)[number];

/** Attributes the API reports (List), and so can drift; the others live only in configuration. */
export const OBSERVABLE_ATTRIBUTES: ReadonlySet<ConfigAttribute> = new Set(["service_account_id", "description", "scopes", "expires_at"]);

/**
 * Whether two values of one attribute mean the same thing to the API. Unset and empty are
 * equal (the API has no null description or scope list); scopes and age recipients are sets
 * (the API keeps scopes unique, so order carries no meaning and must not cause a perpetual
 * diff); timestamps are compared as instants, so `+00:00` and `Z` spellings are equal.
 */
export function sameValue(attribute: ConfigAttribute, left: unknown, right: unknown): boolean {
  switch (attribute) {
    case "description":
      return (left ?? "") === (right ?? "");
    case "scopes":
    case "age_recipients":
      return sameSet(asList(left), asList(right));
    case "expires_at":
      return sameInstant(left as string | null, right as string | null);
    case "keepers":
      return sameMap(left as Record<string, string> | null, right as Record<string, string> | null);
    default:
      return (left ?? null) === (right ?? null);
  }
}

function asList(value: unknown): readonly string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  // Fast path for the common case (same order), since refresh compares every key's scopes.
  if (left.length === right.length && left.every((item, index) => item === right[index])) return true;
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  return leftSet.size === rightSet.size && [...leftSet].every((item) => rightSet.has(item));
}

function sameMap(left: Readonly<Record<string, string>> | null, right: Readonly<Record<string, string>> | null): boolean {
  const leftEntries = Object.entries(left ?? {});
  const rightMap = right ?? {};
  return leftEntries.length === Object.keys(rightMap).length && leftEntries.every(([key, value]) => rightMap[key] === value);
}

/** Equal instants; unparsable text (never produced by a validated load) compares as text. */
export function sameInstant(left: string | null, right: string | null): boolean {
  if (left === null || right === null) return left === right;
  const leftInstant = parseRfc3339(left);
  const rightInstant = parseRfc3339(right);
  if (!leftInstant || !rightInstant) return left === right;
  return Math.floor(leftInstant.ms / 1000) === Math.floor(rightInstant.ms / 1000) && leftInstant.nanos === rightInstant.nanos;
}

/** Code-unit order: the same on every machine and locale (localeCompare is not). */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
