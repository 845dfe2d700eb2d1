import type { ResourceDefinition } from "./attributes.js";

/**
 * THE definition of the `keyform_api_key` resource. The planner (update masks, replacement),
 * the server's validation, the provider schema in schemas/ and the generated constructs all
 * derive from it: adding an attribute is one change here plus `npm run generate`.
 */
export const apiKeyResource: ResourceDefinition = {
  typeName: "keyform_api_key",
  description:
    "An API key of a service account. The secret is returned once, at creation, and kept in state as a sensitive value (or only encrypted to age recipients).",
  schemaVersion: 0,
  attributes: [
    {
      name: "id",
      type: "string",
      mode: "computed",
      description: "Key id assigned by the API.",
    },
    {
      name: "service_account_id",
      type: "string",
      mode: "required",
      forcesReplacement: true,
      description: "Service account that owns the key (at most 50 characters). Changing it replaces the key.",
    },
    {
      name: "description",
      type: "string",
      mode: "optional",
      updateMaskPath: "description",
      description: "Free text, at most 256 characters. Updated in place.",
    },
    {
      name: "scopes",
      type: ["list", "string"],
      mode: "optional",
      updateMaskPath: "scopes",
      // UpdateApiKeyRequest requires 1-100 scopes when `scopes` is in the mask.
      replacesWhen: (newValue) => !Array.isArray(newValue) || newValue.length === 0,
      description:
        "Scopes the key grants (at most 100, unique, each at most 256 characters). Updated in place; removing every scope replaces the key.",
    },
    {
      name: "expires_at",
      type: "string",
      mode: "optional",
      updateMaskPath: "expires_at",
      description:
        "Expiry as an RFC 3339 timestamp between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59Z. Updated in place; removing it clears the expiry.",
    },
    {
      name: "rotate_after",
      type: "string",
      mode: "optional",
      description:
        "Replace the key once it is this old, e.g. `90d`, `720h`, `1d12h`. Combine with create_before_destroy so that the old and new secrets overlap.",
    },
    {
      name: "keepers",
      type: ["map", "string"],
      mode: "optional",
      forcesReplacement: true,
      description: "Arbitrary values; any change replaces the key (rotation on demand).",
    },
    {
      name: "age_recipients",
      type: ["list", "string"],
      mode: "optional",
      forcesReplacement: true,
      description:
        "age recipients (`age1...`). When set, state holds only encrypted_secret_key (armored age) and secret_key stays null. Changing them replaces the key, because the secret cannot be re-read.",
    },
    {
      name: "created_at",
      type: "string",
      mode: "computed",
      description: "Creation time, RFC 3339.",
    },
    {
      name: "masked_secret",
      type: "string",
      mode: "computed",
      description: "`****` followed by the last six characters of the secret; safe to display.",
    },
    {
      name: "secret_key",
      type: "string",
      mode: "computed",
      sensitive: true,
      description:
        "The secret, known only to the run that created the key (null after import or with age_recipients).",
    },
    {
      name: "encrypted_secret_key",
      type: "string",
      mode: "computed",
      description: "The secret encrypted to age_recipients, ASCII-armored; null without age_recipients.",
    },
  ],
};

/** Attributes of one entry of the `keyform_api_keys` data source's `keys` list. */
export const listedApiKeyType = {
  id: "string",
  service_account_id: "string",
  description: "string",
  scopes: ["list", "string"],
  expires_at: "string",
  created_at: "string",
  last_used_at: "string",
  masked_secret: "string",
} as const;

/** The `keyform_api_keys` data source: every key of one service account, without secrets. */
export const apiKeysDataSource: ResourceDefinition = {
  typeName: "keyform_api_keys",
  description: "Lists the API keys of a service account (no secrets).",
  schemaVersion: 0,
  attributes: [
    {
      name: "service_account_id",
      type: "string",
      mode: "required",
      description: "Service account whose keys are listed.",
    },
    {
      name: "id",
      type: "string",
      mode: "computed",
      description: "Equal to service_account_id.",
    },
    {
      name: "keys",
      type: ["list", ["object", listedApiKeyType]],
      mode: "computed",
      description: "The keys, oldest first.",
    },
  ],
};
