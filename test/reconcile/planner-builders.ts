import type { ApiKeyConfig, DesiredKey, DesiredState, KeyAttributes, Lifecycle, ObservedKey, StateFile, StateResource } from "../../src/reconcile/types.js";

/** Builders for planner tests: small defaults, override what a case is about. */
export const SA = "ajesa1";
export const CREATED = "2026-01-01T00:00:00Z";
export const SECRET = "AQVNtestsecretvalue-never-in-a-plan-0001";

export function config(overrides: Partial<ApiKeyConfig> = {}): ApiKeyConfig {
  return { service_account_id: SA, description: null, scopes: null, expires_at: null, rotate_after: null, keepers: null, age_recipients: null, ...overrides };
}

export function lifecycle(overrides: Partial<Lifecycle> = {}): Lifecycle {
  return { create_before_destroy: false, prevent_destroy: false, ignore_changes: [], ...overrides };
}

export function key(name: string, configOverrides: Partial<ApiKeyConfig> = {}, lifecycleOverrides: Partial<Lifecycle> = {}): DesiredKey {
  return { address: `keyform_api_key.${name}`, config: config(configOverrides), lifecycle: lifecycle(lifecycleOverrides) };
}

export function attributes(id: string, overrides: Partial<KeyAttributes> = {}): KeyAttributes {
  return { id, created_at: CREATED, masked_secret: "****lue-0001", secret_key: SECRET, encrypted_secret_key: null, secret_unknown: false, ...overrides };
}

export function tracked(name: string, id: string | null, configOverrides: Partial<ApiKeyConfig> = {}, extra: Partial<StateResource> = {}): StateResource {
  return { address: `keyform_api_key.${name}`, config: config(configOverrides), attributes: id === null ? null : attributes(id), pending_create: null, deposed: [], ...extra };
}

export function observedKey(id: string, overrides: Partial<ObservedKey> = {}): ObservedKey {
  return { id, service_account_id: SA, description: "", scopes: [], expires_at: null, created_at: CREATED, masked_secret: "****lue-0001", ...overrides };
}

export function desiredState(keys: readonly DesiredKey[], overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    stack: "demo",
    file: "cdktf.out/stacks/demo/cdk.tf.json",
    keys,
    listings: [],
    outputs: [],
    exclusive_service_accounts: [],
    provider: { endpoint: null, data_dir: null, insecure: null, ca_file: null },
    ...overrides,
  };
}

export function stateFile(resources: readonly StateResource[], overrides: Partial<StateFile> = {}): StateFile {
  return { version: 1, serial: 7, lineage: "lineage-1", keyform_version: "0.1.0", resources, outputs: {}, ...overrides };
}

/** observed map: account -> keys (every listed account has an entry). */
export function observed(entries: Record<string, readonly ObservedKey[]>): ReadonlyMap<string, readonly ObservedKey[]> {
  return new Map(Object.entries(entries));
}
