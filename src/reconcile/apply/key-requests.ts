import { randomUUID } from "node:crypto";
import { ApiError, Code } from "../../api-error.js";
import type { ApiKeyClient, CreateApiKeyInput, UpdateApiKeyInput } from "../../client/types.js";
import { parseRfc3339 } from "../../resource/index.js";
import type { UpdateMaskPath } from "../../resource/index.js";
import { encryptSecretToRecipients } from "../age.js";
import { timestampToRfc3339 } from "../refresh.js";
import type { ApiKeyConfig, KeyAttributes } from "../types.js";

/** A fresh idempotency key for one logical mutation (recorded in state before it is sent). */
export function newIdempotencyKey(): string {
  return randomUUID();
}

function timestampOf(rfc3339: string | null): { seconds: bigint; nanos: number } | undefined {
  if (rfc3339 === null) return undefined;
  const parsed = parseRfc3339(rfc3339);
  if (!parsed) throw new ApiError(Code.INVALID_ARGUMENT, `expires_at: "${rfc3339}" is not an RFC 3339 timestamp`);
  return { seconds: BigInt(Math.floor(parsed.ms / 1000)), nanos: parsed.nanos };
}

/** The Create request for a configuration (exactly these fields, so a replay is the same request). */
export function createRequestOf(config: ApiKeyConfig): CreateApiKeyInput {
  return {
    serviceAccountId: config.service_account_id,
    description: config.description ?? "",
    scopes: [...(config.scopes ?? [])],
    expiresAt: timestampOf(config.expires_at),
  };
}

/** The Update request that sets exactly `mask` to the configuration's values (unset expires_at clears it). */
export function updateRequestOf(keyId: string, config: ApiKeyConfig, mask: readonly UpdateMaskPath[]): UpdateApiKeyInput {
  return {
    apiKeyId: keyId,
    updateMask: { paths: [...mask] },
    description: mask.includes("description") ? (config.description ?? "") : "",
    scopes: mask.includes("scopes") ? [...(config.scopes ?? [])] : [],
    expiresAt: mask.includes("expires_at") ? timestampOf(config.expires_at) : undefined,
  };
}

/**
 * Sends Create with `idempotencyKey` (replaying a Create with the same key and request returns
 * the same key and secret) and returns the attributes to record: the secret in clear, or only
 * encrypted to the configuration's age recipients.
 */
export async function createKey(client: ApiKeyClient, config: ApiKeyConfig, idempotencyKey: string): Promise<KeyAttributes> {
  const response = await client.createApiKey(createRequestOf(config), { idempotencyKey });
  const key = response.apiKey;
  if (!key) throw new ApiError(Code.INTERNAL, "Create returned no api_key");
  const recipients = config.age_recipients;
  const encrypted = recipients && recipients.length > 0 ? await encryptSecretToRecipients(response.secret, recipients) : null;
  return {
    id: key.id,
    created_at: key.createdAt ? timestampToRfc3339(key.createdAt) : new Date().toISOString(),
    masked_secret: key.maskedSecret,
    secret_key: encrypted === null ? response.secret : null,
    encrypted_secret_key: encrypted,
    secret_unknown: false,
  };
}

/** Deletes a key; a key that is already gone (NOT_FOUND) counts as deleted. */
export async function deleteKeyIfPresent(client: ApiKeyClient, keyId: string, idempotencyKey: string): Promise<void> {
  try {
    await client.deleteApiKey(keyId, { idempotencyKey });
  } catch (error) {
    if (ApiError.from(error).code !== Code.NOT_FOUND) throw error;
  }
}
