/**
 * Limits of the public ApiKeyService API (../shared/docs/api-facts.md). The server enforces
 * them and the planner validates declared keys against them before any RPC is made.
 * Lengths are counted in characters (Unicode code points), not bytes.
 */
export const LIMITS = {
  idMaxLength: 50,
  descriptionMaxLength: 256,
  scopeMaxLength: 256,
  scopesMaxCount: 100,
  pageSizeMax: 1000,
  pageSizeDefault: 100,
  pageTokenMaxLength: 2000,
  /** Tokens this server emits are at most this long (the seed document's limit). */
  pageTokenEmittedMaxLength: 100,
  filterMaxLength: 1000,
  labelsMaxCount: 64,
  /** 1970-01-01T00:00:00Z, in milliseconds. */
  expiresAtMinMs: 0,
  /** 2105-12-31T23:59:59.999999999Z, rounded down to milliseconds. */
  expiresAtMaxMs: Date.UTC(2105, 11, 31, 23, 59, 59, 999),
  expiresAtMinIso: "1970-01-01T00:00:00Z",
  expiresAtMaxIso: "2105-12-31T23:59:59.999999999Z",
  serviceAccountNamePattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
} as const;

/** Length in characters (code points), as the API counts it. */
export function characterLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}
