import type { UpdateMaskPath } from "../resource/attributes.js";

/**
 * The data model shared by the reconciler's parts: desired state (load), prior state (state
 * file), observed keys (refresh), and the plan (planner) that the applier executes and the
 * renderers show. Plain data only, JSON-serializable, snake_case where it mirrors Terraform.
 */

/** Declared arguments of one `keyform_api_key`; null = not set in configuration. */
export interface ApiKeyConfig {
  readonly service_account_id: string;
  readonly description: string | null;
  readonly scopes: readonly string[] | null;
  /** RFC 3339, as written in configuration. */
  readonly expires_at: string | null;
  readonly rotate_after: string | null;
  readonly keepers: Readonly<Record<string, string>> | null;
  readonly age_recipients: readonly string[] | null;
}

export interface Lifecycle {
  readonly create_before_destroy: boolean;
  readonly prevent_destroy: boolean;
  /** Attribute names whose changes are ignored, or "all". */
  readonly ignore_changes: readonly string[] | "all";
}

/** One `keyform_api_key` resource of the synthesized stack. */
export interface DesiredKey {
  /** `keyform_api_key.<name>` as in cdk.tf.json. */
  readonly address: string;
  readonly config: ApiKeyConfig;
  readonly lifecycle: Lifecycle;
}

/** A stack output; `reference` is set when the value is `${keyform_api_key.<name>.<attribute>}`. */
export interface DesiredOutput {
  readonly name: string;
  readonly sensitive: boolean;
  readonly description: string | null;
  /** Either a reference to a resource or data source attribute, or a literal JSON value. */
  readonly value:
    | { readonly kind: "reference"; readonly address: string; readonly attribute: string; readonly path: readonly (string | number)[] }
    | { readonly kind: "literal"; readonly json: unknown };
}

/** A `keyform_api_keys` data source. */
export interface DesiredKeyListing {
  readonly address: string;
  readonly service_account_id: string;
}

export interface DesiredState {
  /** The stack name and the cdk.tf.json file it came from (for messages). */
  readonly stack: string;
  readonly file: string;
  readonly keys: readonly DesiredKey[];
  readonly listings: readonly DesiredKeyListing[];
  readonly outputs: readonly DesiredOutput[];
  /** From the provider block's `exclusive_service_accounts`. */
  readonly exclusive_service_accounts: readonly string[];
  /** From the provider block: endpoint etc. (credentials are never stored in plans). */
  readonly provider: { readonly endpoint: string | null; readonly data_dir: string | null; readonly insecure: boolean | null; readonly ca_file: string | null };
}

/** A key as the API reports it (List), converted to plain strings. */
export interface ObservedKey {
  readonly id: string;
  readonly service_account_id: string;
  readonly description: string;
  readonly scopes: readonly string[];
  /** RFC 3339 UTC (`...Z`), or null when the key never expires. */
  readonly expires_at: string | null;
  readonly created_at: string;
  readonly masked_secret: string;
}

/** Computed attributes of a key that exists. */
export interface KeyAttributes {
  readonly id: string;
  readonly created_at: string;
  readonly masked_secret: string;
  /** null after import, with age_recipients, or while unknown. */
  readonly secret_key: string | null;
  readonly encrypted_secret_key: string | null;
  /** True after `keyform import`: the secret was never seen by keyform. */
  readonly secret_unknown: boolean;
}

/**
 * One managed key in the state file. `pending_create` is written durably BEFORE Create with
 * the idempotency key to use; a pending entry with no `attributes` means "outcome unknown",
 * resolved by replaying Create with the same idempotency key. `deposed` lists keys replaced
 * with create_before_destroy whose deletion has not yet been confirmed.
 */
export interface StateResource {
  readonly address: string;
  /** The configuration as last applied (what a plan compares against). */
  readonly config: ApiKeyConfig;
  readonly attributes: KeyAttributes | null;
  readonly pending_create: { readonly idempotency_key: string; readonly started_at: string; readonly config: ApiKeyConfig } | null;
  readonly deposed: readonly { readonly id: string; readonly idempotency_key: string }[];
  /**
   * `lifecycle.prevent_destroy` as last applied: keyform writes it only when true; absent
   * means false (as in states written before keyform recorded it). Lets destroy without a
   * synthesized stack refuse to delete a protected key.
   */
  readonly prevent_destroy?: boolean;
}

export interface StateFile {
  readonly version: 1;
  /** Bumped on every write. */
  readonly serial: number;
  /** Random at creation; a state of another lineage is never overwritten. */
  readonly lineage: string;
  readonly keyform_version: string;
  readonly resources: readonly StateResource[];
  /** Output values as of the last apply; secrets only where the output is sensitive. */
  readonly outputs: Readonly<Record<string, { readonly value: unknown; readonly sensitive: boolean }>>;
}

/** Terraform's closed set of action lists (as in `terraform show -json`). */
export type Actions =
  | readonly ["no-op"]
  | readonly ["create"]
  | readonly ["update"]
  | readonly ["delete"]
  | readonly ["delete", "create"]
  | readonly ["create", "delete"];

/** Why a change is planned; for display only, apply never branches on it. */
export type ChangeReason =
  | "new_in_config"
  | "deleted_outside_keyform"
  | "config_changed"
  | "drift_reverted"
  | "forces_replacement"
  | "cannot_update_in_place"
  | "rotation_due"
  | "removed_from_config"
  | "not_declared_in_exclusive_account"
  | "pending_create_unresolved"
  /** The old key of a create_before_destroy replacement, still to be deleted. */
  | "deposed";

/** Plain attribute values shown as before/after (never a secret value: secrets are redacted). */
export type ShownValues = Readonly<Record<string, unknown>>;

export interface ResourceChange {
  /** Address; keys deleted because an exclusive account does not declare them get `keyform_api_key.unmanaged["<id>"]`. */
  readonly address: string;
  readonly actions: Actions;
  /** Why the change is planned; null only for a no-op. */
  readonly reason: ChangeReason | null;
  readonly service_account_id: string;
  /** Existing key this change updates, deletes or replaces; null for a create. */
  readonly key_id: string | null;
  readonly before: ShownValues | null;
  readonly after: ShownValues | null;
  /** Computed attributes unknown until apply (Terraform's after_unknown). */
  readonly after_unknown: Readonly<Record<string, boolean>>;
  /** Exactly the update_mask paths an in-place update sends, in attribute order. */
  readonly update_mask: readonly UpdateMaskPath[];
  /** Attributes whose change forces replacement (shown as "forces replacement"). */
  readonly replace_paths: readonly string[];
  /** The desired configuration to create/update to (null for deletes). */
  readonly config: ApiKeyConfig | null;
  /**
   * Set on the delete of a deposed key (an old key left by a create_before_destroy replace):
   * its id, equal to key_id. The change's address is the owning resource's address.
   */
  readonly deposed?: string;
}

/** Stands for a secret in before/after values: the secret itself never enters a plan. */
export const SENSITIVE_VALUE = "(sensitive value)";
/** Stands for an age-encrypted secret (ciphertext is not secret, but long and useless to show). */
export const ENCRYPTED_VALUE = "(encrypted)";

/** A difference between the state file and what the API reports, found by refresh. */
export interface Drift {
  readonly address: string;
  readonly key_id: string;
  /** "deleted" when the key is gone, else the attributes that differ. */
  readonly kind: "deleted" | "changed";
  readonly before: ShownValues;
  readonly after: ShownValues | null;
}

export interface Plan {
  readonly format_version: "1.0";
  readonly keyform_version: string;
  readonly stack: string;
  /** State the plan was made against; `apply FILE` refuses a state that moved on. */
  readonly prior_state: { readonly lineage: string; readonly serial: number };
  readonly resource_changes: readonly ResourceChange[];
  readonly resource_drift: readonly Drift[];
  /** Keys under non-exclusive accounts that no resource declares: left alone, listed. */
  readonly unmanaged_keys: readonly ObservedKey[];
  readonly output_changes: Readonly<Record<string, { readonly actions: Actions; readonly sensitive: boolean }>>;
  /** True when any change is not a no-op (drives --detailed-exitcode). */
  readonly has_changes: boolean;
}

/** Thrown by the planner when it must refuse (prevent_destroy, invalid combination). */
export class PlanRefusedError extends Error {
  readonly addresses: readonly string[];
  constructor(message: string, addresses: readonly string[]) {
    super(message);
    this.name = "PlanRefusedError";
    this.addresses = addresses;
  }
}
