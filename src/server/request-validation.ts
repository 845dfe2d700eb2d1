import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { ApiError, Code } from "../api-error.js";
import {
  LIMITS,
  characterLength,
  validateDescription,
  validateExpiresAt,
  validateScopes,
  validateServiceAccountId,
  type Problem,
} from "../resource/index.js";
import type { Instant } from "../store/index.js";

/**
 * Request checks of the server, built on the one set of validators in src/resource so that
 * the planner and the server agree on every limit. Messages name the proto field:
 * `description: must be at most 256 characters (got 257)`.
 */

/** Throws INVALID_ARGUMENT listing every problem (`path: message; ...`) when there are any. */
export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  throw new ApiError(Code.INVALID_ARGUMENT, problems.map((problem) => `${problem.path}: ${problem.message}`).join("; "));
}

/** A required id field (api_key_id, operation_id, ...): non-empty, at most 50 characters. */
export function requiredId(value: string, path: string): Problem[] {
  return validateServiceAccountId(value, path);
}

/** An id field where empty means "default" (service_account_id of List/Create). */
export function optionalId(value: string, path: string): Problem[] {
  return value === "" ? [] : validateServiceAccountId(value, path);
}

/** A free-text field limited to 256 characters (description). */
export function text256(value: string, path: string): Problem[] {
  return validateDescription(value, path);
}

/** The deprecated single `scope`: at most 256 characters, may be empty. */
export function deprecatedScope(value: string, path = "scope"): Problem[] {
  return characterLength(value) > LIMITS.scopeMaxLength ? [{ path, message: `must be at most ${LIMITS.scopeMaxLength} characters` }] : [];
}

/**
 * Why Update needs at least one scope: its mask names `scopes`, or the mask is absent or
 * empty (which replaces every mutable field, scopes included).
 */
export type ScopesRequiredBy = "mask" | "absent-mask";

const SCOPES_REQUIRED_MESSAGES: Record<ScopesRequiredBy, string> = {
  mask: "must have at least 1 item when in update_mask",
  "absent-mask": `must have 1 to ${LIMITS.scopesMaxCount} items (an absent or empty update_mask replaces every mutable field)`,
};

/** Scopes: at most 100, unique, each 1-256 characters; at least one when `requiredBy` is given. */
export function scopeList(values: readonly string[], path: string, requiredBy?: ScopesRequiredBy): Problem[] {
  if (requiredBy && values.length === 0) return [{ path, message: SCOPES_REQUIRED_MESSAGES[requiredBy] }];
  return validateScopes(values, path);
}

export function pageSizeProblems(value: bigint, path = "page_size"): Problem[] {
  return value < 0n || value > BigInt(LIMITS.pageSizeMax) ? [{ path, message: `must be between 0 and ${LIMITS.pageSizeMax}` }] : [];
}

/** page_size as the number of items to return: 0 means the default (100). */
export function effectivePageSize(value: bigint): number {
  return value === 0n ? LIMITS.pageSizeDefault : Number(value);
}

const SECONDS_0001 = -62135596800;
const SECONDS_9999 = 253402300799;

/** RFC 3339 text of a Timestamp with all nine fraction digits, for the shared validator. */
export function timestampText(seconds: number, nanos: number): string {
  // Outside years 1-9999 Date cannot format it; both ends are far outside the API's range,
  // so the nearest formattable instant yields the same "must be between" problem.
  const clamped = Math.min(Math.max(seconds, SECONDS_0001), SECONDS_9999);
  const iso = new Date(clamped * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  return `${iso}.${String(nanos).padStart(9, "0")}Z`;
}

/** expires_at within 1970-01-01T00:00:00Z .. 2105-12-31T23:59:59.999999999Z, nanos 0..999999999. */
export function expiresAtProblems(timestamp: Timestamp | undefined, path = "expires_at"): Problem[] {
  if (!timestamp) return [];
  if (timestamp.nanos < 0 || timestamp.nanos > 999_999_999) return [{ path: `${path}.nanos`, message: "must be between 0 and 999999999" }];
  return validateExpiresAt(timestampText(Number(timestamp.seconds), timestamp.nanos), path);
}

/** A validated Timestamp as stored (exact seconds and nanos), or null when unset. */
export function instantOf(timestamp: Timestamp | undefined): Instant | null {
  return timestamp ? { seconds: Number(timestamp.seconds), nanos: timestamp.nanos } : null;
}
