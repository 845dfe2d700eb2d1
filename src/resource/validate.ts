import { LIMITS, characterLength } from "./limits.js";
import { parseDuration } from "./duration.js";

/** One problem with a value: `path` names the attribute (and index/key), e.g. `scopes[2]`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** Declared values of a `keyform_api_key`, as configuration gives them (null = unset). */
export interface ApiKeyArguments {
  service_account_id?: unknown;
  description?: unknown;
  scopes?: unknown;
  expires_at?: unknown;
  rotate_after?: unknown;
  keepers?: unknown;
  age_recipients?: unknown;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds plus the full nanosecond fraction.
 * Returns undefined when the text is not RFC 3339 or names an impossible date.
 */
export function parseRfc3339(text: string): { ms: number; nanos: number } | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const probe = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  if (probe.getUTCDate() !== Number(day) || probe.getUTCMonth() !== Number(month) - 1) return undefined;
  const fraction = (match[7] ?? ".").slice(1).padEnd(9, "0");
  return { ms, nanos: Number(fraction) };
}

export function validateServiceAccountId(value: unknown, path = "service_account_id"): Problem[] {
  if (typeof value !== "string" || value.length === 0) return [{ path, message: "is required" }];
  if (characterLength(value) > LIMITS.idMaxLength) {
    return [{ path, message: `must be at most ${LIMITS.idMaxLength} characters` }];
  }
  return [];
}

export function validateDescription(value: unknown, path = "description"): Problem[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "string") return [{ path, message: "must be a string" }];
  if (characterLength(value) > LIMITS.descriptionMaxLength) {
    return [{ path, message: `must be at most ${LIMITS.descriptionMaxLength} characters (got ${characterLength(value)})` }];
  }
  return [];
}

export function validateScopes(value: unknown, path = "scopes"): Problem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ path, message: "must be a list of strings" }];
  const problems: Problem[] = [];
  if (value.length > LIMITS.scopesMaxCount) {
    problems.push({ path, message: `must have at most ${LIMITS.scopesMaxCount} items (got ${value.length})` });
  }
  const seen = new Set<string>();
  value.forEach((scope, index) => {
    const itemPath = `${path}[${index}]`;
    if (typeof scope !== "string" || scope.length === 0) {
      problems.push({ path: itemPath, message: "must be a non-empty string" });
      return;
    }
    if (characterLength(scope) > LIMITS.scopeMaxLength) {
      problems.push({ path: itemPath, message: `must be at most ${LIMITS.scopeMaxLength} characters` });
    }
    if (seen.has(scope)) problems.push({ path: itemPath, message: `duplicates scope "${scope}"` });
    seen.add(scope);
  });
  return problems;
}

export function validateExpiresAt(value: unknown, path = "expires_at"): Problem[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "string") return [{ path, message: "must be an RFC 3339 timestamp string" }];
  const parsed = parseRfc3339(value);
  if (!parsed) return [{ path, message: `"${value}" is not an RFC 3339 timestamp such as 2030-01-01T00:00:00Z` }];
  if (parsed.ms < LIMITS.expiresAtMinMs || parsed.ms > LIMITS.expiresAtMaxMs) {
    return [{ path, message: `must be between ${LIMITS.expiresAtMinIso} and ${LIMITS.expiresAtMaxIso}` }];
  }
  return [];
}

export function validateRotateAfter(value: unknown, path = "rotate_after"): Problem[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "string" || parseDuration(value) === undefined) {
    return [{ path, message: "must be a positive duration such as 90d, 720h or 1d12h" }];
  }
  return [];
}

export function validateKeepers(value: unknown, path = "keepers"): Problem[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value)) return [{ path, message: "must be a map of strings" }];
  return Object.entries(value as Record<string, unknown>)
    .filter(([, keeper]) => typeof keeper !== "string")
    .map(([key]) => ({ path: `${path}["${key}"]`, message: "must be a string" }));
}

export function validateAgeRecipients(value: unknown, path = "age_recipients"): Problem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ path, message: "must be a list of age recipients (age1...)" }];
  if (value.length === 0) return [{ path, message: "must name at least one recipient, or be left out" }];
  return value.flatMap((recipient, index) =>
    typeof recipient === "string" && AGE_RECIPIENT.test(recipient)
      ? []
      : [{ path: `${path}[${index}]`, message: "is not an age X25519 recipient (age1 followed by 58 characters)" }],
  );
}

/** Every problem with the declared arguments of one `keyform_api_key`, in attribute order. */
export function validateApiKeyArguments(values: ApiKeyArguments): Problem[] {
  return [
    ...validateServiceAccountId(values.service_account_id),
    ...validateDescription(values.description),
    ...validateScopes(values.scopes),
    ...validateExpiresAt(values.expires_at),
    ...validateRotateAfter(values.rotate_after),
    ...validateKeepers(values.keepers),
    ...validateAgeRecipients(values.age_recipients),
  ];
}
