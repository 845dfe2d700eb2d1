import { ENCRYPTED_VALUE, SENSITIVE_VALUE } from "../types.js";
import type { ApiKeyConfig, KeyAttributes, ObservedKey, ShownValues } from "../types.js";

/**
 * Before/after values of a key as a plan shows them, in the resource definition's attribute
 * order. Secrets are never copied: a stored secret shows as SENSITIVE_VALUE, an encrypted one as
 * ENCRYPTED_VALUE, so a plan (text, JSON, saved file) can be shared freely.
 */
export function shownExisting(config: ApiKeyConfig, attributes: KeyAttributes): ShownValues {
  return {
    id: attributes.id,
    ...shownConfig(config),
    created_at: attributes.created_at,
    masked_secret: attributes.masked_secret,
    secret_key: attributes.secret_key === null ? null : SENSITIVE_VALUE,
    encrypted_secret_key: attributes.encrypted_secret_key === null ? null : ENCRYPTED_VALUE,
  };
}

/** Declared arguments only (create plans add computed attributes as unknown). */
export function shownConfig(config: ApiKeyConfig): ShownValues {
  return {
    service_account_id: config.service_account_id,
    description: config.description,
    scopes: config.scopes,
    expires_at: config.expires_at,
    rotate_after: config.rotate_after,
    keepers: config.keepers,
    age_recipients: config.age_recipients,
  };
}

/**
 * `after` of a create or replacement: the declared arguments, the secret attribute that will
 * not be produced as a known null, and the computed ones left out (Terraform omits unknown
 * values from `after`; after_unknown marks them).
 */
export function shownNew(config: ApiKeyConfig): { after: ShownValues; afterUnknown: Record<string, boolean> } {
  const encrypted = config.age_recipients !== null && config.age_recipients.length > 0;
  return {
    after: { ...shownConfig(config), ...(encrypted ? { secret_key: null } : { encrypted_secret_key: null }) },
    afterUnknown: {
      id: true,
      created_at: true,
      masked_secret: true,
      ...(encrypted ? { encrypted_secret_key: true } : { secret_key: true }),
    },
  };
}

/** A key the API reports but no resource tracks (what keyform knows of it: no secret). */
export function shownObserved(key: ObservedKey): ShownValues {
  return {
    id: key.id,
    service_account_id: key.service_account_id,
    description: key.description,
    scopes: key.scopes,
    expires_at: key.expires_at,
    created_at: key.created_at,
    masked_secret: key.masked_secret,
  };
}
