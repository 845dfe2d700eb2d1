import type { DesiredOutput, DesiredState, ObservedKey, StateFile, StateResource } from "./types.js";

export type OutputValues = Record<string, { value: unknown; sensitive: boolean }>;

/** Shown in place of a sensitive output value unless the user asks to see it. */
export const SENSITIVE_PLACEHOLDER = "<sensitive>";

/** Attributes of a managed key as outputs see them: its configuration plus computed values. */
export function resourceAttributeValues(resource: StateResource): Record<string, unknown> {
  const attributes = resource.attributes;
  return {
    ...resource.config,
    id: attributes?.id ?? null,
    created_at: attributes?.created_at ?? null,
    masked_secret: attributes?.masked_secret ?? null,
    secret_key: attributes?.secret_key ?? null,
    encrypted_secret_key: attributes?.encrypted_secret_key ?? null,
  };
}

/**
 * The value of every listing in `desired` whose account was listed (`byAccount` has it): its
 * keys as refresh saw them (no secrets), oldest first. Listings of accounts not listed are
 * absent. keyform leaves out the data source's `last_used_at`: it moves on every
 * authentication, so an output holding it would change state on every apply, even one whose
 * plan has no changes.
 */
export function listingValues(desired: DesiredState, byAccount: ReadonlyMap<string, readonly ObservedKey[]>): Map<string, Record<string, unknown>> {
  const listings = new Map<string, Record<string, unknown>>();
  for (const listing of desired.listings) {
    const observed = byAccount.get(listing.service_account_id);
    if (!observed) continue;
    const keys: ObservedKey[] = [...observed]
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1))
      .map((key) => ({ ...key, scopes: [...key.scopes] }));
    const value = { service_account_id: listing.service_account_id, id: listing.service_account_id, keys };
    listings.set(listing.address, value);
    // Outputs may name a data source with or without Terraform's `data.` prefix.
    listings.set(listing.address.startsWith("data.") ? listing.address.slice(5) : `data.${listing.address}`, value);
  }
  return listings;
}

function walk(value: unknown, path: readonly (string | number)[]): { found: true; value: unknown } | { found: false } {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return { found: false };
    const next = (current as Record<string | number, unknown>)[step];
    if (next === undefined) return { found: false };
    current = next;
  }
  return { found: true, value: current };
}

/**
 * Evaluates the stack's outputs against the state after apply (references to
 * `keyform_api_key` attributes; null: none yet) and the listings (references to `keyform_api_keys`). An
 * output referring to `secret_key` is sensitive even if not declared so (Terraform refuses
 * such an output; keyform never lets the secret out unmasked). Unresolvable references are
 * returned as problems naming the output, and get the value null.
 */
export function evaluateOutputs(
  outputs: readonly DesiredOutput[],
  state: StateFile | null,
  listings: ReadonlyMap<string, Record<string, unknown>>,
): { values: OutputValues; problems: string[] } {
  const resources = new Map((state?.resources ?? []).map((resource) => [resource.address, resource]));
  const values: OutputValues = {};
  const problems: string[] = [];
  for (const output of outputs) {
    if (output.value.kind === "literal") {
      values[output.name] = { value: output.value.json, sensitive: output.sensitive };
      continue;
    }
    const { address, attribute, path } = output.value;
    const resource = resources.get(address);
    const source = resource ? resourceAttributeValues(resource) : listings.get(address);
    const sensitive = output.sensitive || attribute === "secret_key";
    const result = source ? walk(source, [attribute, ...path]) : { found: false as const };
    if (!result.found) {
      problems.push(`output ${output.name}: ${address}.${attribute}${path.map((step) => `[${JSON.stringify(step)}]`).join("")} has no value`);
    } else if (attribute === "secret_key" && resource?.attributes?.secret_unknown) {
      problems.push(`output ${output.name}: the secret of ${address} is unknown (the key was imported; keyform never saw its secret), so the value is null`);
    }
    values[output.name] = { value: result.found ? result.value : null, sensitive };
  }
  return { values, problems };
}

/** Text of one output for people: sensitive values masked unless `showSensitive`. */
export function formatOutputValue(output: { value: unknown; sensitive: boolean }, showSensitive: boolean): string {
  if (output.sensitive && !showSensitive) return SENSITIVE_PLACEHOLDER;
  return typeof output.value === "string" ? output.value : JSON.stringify(output.value, null, 2);
}
