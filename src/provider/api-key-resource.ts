import { randomUUID } from "node:crypto";
import type { ApiKey } from "../client/types.js";
import { ApiError, Code } from "../api-error.js";
import {
  parseRfc3339,
  validateAgeRecipients,
  validateDescription,
  validateExpiresAt,
  validateKeepers,
  validateRotateAfter,
  validateScopes,
  validateServiceAccountId,
} from "../resource/index.js";
import type { Problem } from "../resource/index.js";
import type { TerraformObject, TerraformValue } from "./dynamic-value.js";
import { UNKNOWN, containsUnknown } from "./dynamic-value.js";
import type { DiagnosticInit } from "./diagnostics.js";
import { apiErrorDiagnostic, errorDiagnostic, problemDiagnostics } from "./diagnostics.js";
import type { ProviderContext } from "./provider-context.js";
import { IMPORTED_PRIVATE, updateMaskOf } from "./api-key-plan.js";
import { timestampText } from "./timestamps.js";

/** Result of an RPC on one key: the new value (null = gone) plus diagnostics. */
export interface KeyResult {
  readonly state: TerraformObject | null;
  readonly diagnostics: DiagnosticInit[];
  readonly private?: Uint8Array;
}

const VALIDATORS: Record<string, (value: unknown) => Problem[]> = {
  service_account_id: validateServiceAccountId,
  description: validateDescription,
  scopes: validateScopes,
  expires_at: validateExpiresAt,
  rotate_after: validateRotateAfter,
  keepers: validateKeepers,
  age_recipients: validateAgeRecipients,
};

/** ValidateResourceConfig: src/resource's validators on every known configured value. */
export function validateApiKeyConfig(config: TerraformObject | null): DiagnosticInit[] {
  if (config === null) return [];
  const problems = Object.entries(VALIDATORS).flatMap(([name, validate]) => {
    const value = config[name] ?? null;
    return containsUnknown(value) ? [] : validate(value);
  });
  return problemDiagnostics(problems, "keyform_api_key");
}

/**
 * ApplyResourceChange: delete (planned null; a key already gone is success), create (one
 * Create RPC with a fresh idempotency key; the secret goes to secret_key, or only encrypted to
 * encrypted_secret_key with age_recipients) or update in place (one Update RPC with exactly the
 * changed update-mask paths; none when only rotate_after/keepers-free settings changed).
 */
export async function applyApiKey(context: ProviderContext, prior: TerraformObject | null, planned: TerraformObject | null): Promise<KeyResult> {
  if (planned === null) return deleteKey(context, prior);
  if (prior === null) return createKey(context, planned);
  return updateKey(context, prior, planned);
}

async function deleteKey(context: ProviderContext, prior: TerraformObject | null): Promise<KeyResult> {
  const id = prior?.id;
  if (typeof id !== "string" || id === "") return { state: null, diagnostics: [] };
  try {
    await (await context.client()).deleteApiKey(id, { idempotencyKey: randomUUID() });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === Code.NOT_FOUND)) {
      return { state: prior, diagnostics: [apiErrorDiagnostic(`delete API key ${id}`, error, describe(context, prior))] };
    }
  }
  return { state: null, diagnostics: [] };
}

async function createKey(context: ProviderContext, planned: TerraformObject): Promise<KeyResult> {
  const serviceAccountId = stringOf(planned.service_account_id);
  let created;
  try {
    created = await (await context.client()).createApiKey(
      {
        serviceAccountId,
        description: stringOf(planned.description),
        scopes: stringsOf(planned.scopes),
        ...(typeof planned.expires_at === "string" ? { expiresAt: timestampOf(planned.expires_at) } : {}),
      },
      { idempotencyKey: randomUUID() },
    );
  } catch (error) {
    return { state: null, diagnostics: [apiErrorDiagnostic("create API key", error, describe(context, planned))] };
  }
  const key = created.apiKey;
  if (!key) return { state: null, diagnostics: [errorDiagnostic("Cannot create API key", "The API answered Create without a key.")] };
  const state: TerraformObject = { ...planned, ...observedValues(key, planned), secret_key: null, encrypted_secret_key: null };
  const recipients = planned.age_recipients;
  if (Array.isArray(recipients) && recipients.length > 0) {
    try {
      const { encryptSecretToRecipients } = await import("../reconcile/age.js");
      state.encrypted_secret_key = await encryptSecretToRecipients(created.secret, stringsOf(recipients));
    } catch (error) {
      // The key exists but its secret could not be kept: state it (Terraform marks it tainted,
      // so the next apply replaces it) rather than leave an orphan.
      return { state, diagnostics: [errorDiagnostic("Cannot encrypt the new secret", `${(error as Error).message}. Fix age_recipients and apply again; the key will be replaced.`, "age_recipients")] };
    }
  } else {
    state.secret_key = created.secret;
  }
  return { state, diagnostics: [] };
}

async function updateKey(context: ProviderContext, prior: TerraformObject, planned: TerraformObject): Promise<KeyResult> {
  const state: TerraformObject = { ...planned };
  // Computed values do not change in place: keep what state had.
  for (const name of ["id", "created_at", "masked_secret", "secret_key", "encrypted_secret_key"]) state[name] = prior[name] ?? null;
  const mask = updateMaskOf(prior, planned);
  if (mask.length === 0) return { state, diagnostics: [] };
  const id = stringOf(prior.id);
  try {
    const key = await (await context.client()).updateApiKey(
      {
        apiKeyId: id,
        updateMask: { paths: mask },
        description: stringOf(planned.description),
        scopes: stringsOf(planned.scopes),
        ...(typeof planned.expires_at === "string" ? { expiresAt: timestampOf(planned.expires_at) } : {}),
      },
      { idempotencyKey: randomUUID() },
    );
    context.recordUpdateMask(mask);
    return { state: { ...state, ...observedValues(key, planned) }, diagnostics: [] };
  } catch (error) {
    const diagnostic =
      error instanceof ApiError && error.code === Code.NOT_FOUND
        ? errorDiagnostic(`Cannot update API key ${id}: it no longer exists`, "It was deleted outside Terraform. Run terraform apply again: the refresh plans a new key.", "id")
        : apiErrorDiagnostic(`update API key ${id}`, error, describe(context, prior));
    return { state: prior, diagnostics: [diagnostic] };
  }
}

/**
 * ReadResource: the key as the API has it now, or null when it is gone (Terraform then plans a
 * re-create). Values the API does not hold (rotate_after, keepers, age_recipients, secrets) stay
 * as state had them; "" and [] from the API stay null where state had null.
 */
export async function readApiKey(context: ProviderContext, current: TerraformObject | null): Promise<KeyResult> {
  const id = current?.id;
  if (current === null || typeof id !== "string" || id === "") return { state: current, diagnostics: [] };
  try {
    const key = await (await context.client()).getApiKey(id);
    return { state: { ...current, ...observedValues(key, current) }, diagnostics: [] };
  } catch (error) {
    if (error instanceof ApiError && error.code === Code.NOT_FOUND) return { state: null, diagnostics: [] };
    return { state: current, diagnostics: [apiErrorDiagnostic(`read API key ${id}`, error, describe(context, current))] };
  }
}

/**
 * ImportResourceState: a state holding only the id (Terraform follows with ReadResource, which
 * fills the rest). The secret cannot be read back: secret_key stays null after import.
 */
export function importApiKey(id: string, attributeNames: readonly string[]): KeyResult {
  if (!id.trim()) return { state: null, diagnostics: [errorDiagnostic("Cannot import keyform_api_key", "Give the key id, e.g. terraform import keyform_api_key.ci aje0123456789abcdefg.")] };
  const state: TerraformObject = Object.fromEntries(attributeNames.map((name) => [name, null]));
  state.id = id.trim();
  return { state, diagnostics: [], private: IMPORTED_PRIVATE };
}

function observedValues(key: ApiKey, previous: TerraformObject): TerraformObject {
  const description = previous.description ?? null;
  const scopes = previous.scopes ?? null;
  return {
    id: key.id,
    service_account_id: key.serviceAccountId,
    description: key.description === "" && (description === null || description === UNKNOWN) ? null : key.description,
    scopes: key.scopes.length === 0 && !(Array.isArray(scopes) && scopes.length === 0) ? null : [...key.scopes],
    expires_at: timestampText(key.expiresAt, previous.expires_at),
    created_at: timestampText(key.createdAt, previous.created_at),
    masked_secret: key.maskedSecret,
  };
}

function describe(context: ProviderContext, values: TerraformObject | null): { serviceAccountId?: string; endpoint?: string } {
  const serviceAccountId = values?.service_account_id;
  return {
    ...(typeof serviceAccountId === "string" ? { serviceAccountId } : {}),
    ...(context.endpointDescription ? { endpoint: context.endpointDescription } : {}),
  };
}

function stringOf(value: TerraformValue | undefined): string {
  return typeof value === "string" ? value : "";
}

function stringsOf(value: TerraformValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function timestampOf(text: string): { seconds: bigint; nanos: number } {
  const parsed = parseRfc3339(text);
  if (!parsed) throw ApiError.invalidArgument("expires_at", `"${text}" is not an RFC 3339 timestamp`);
  return { seconds: BigInt(Math.floor(parsed.ms / 1000)), nanos: parsed.nanos };
}
