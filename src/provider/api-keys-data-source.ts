import { validateServiceAccountId } from "../resource/index.js";
import type { TerraformObject } from "./dynamic-value.js";
import { containsUnknown } from "./dynamic-value.js";
import type { DiagnosticInit } from "./diagnostics.js";
import { apiErrorDiagnostic, problemDiagnostics } from "./diagnostics.js";
import type { ProviderContext } from "./provider-context.js";
import { timestampText } from "./timestamps.js";

/** ValidateDataResourceConfig for `keyform_api_keys`. */
export function validateApiKeysConfig(config: TerraformObject | null): DiagnosticInit[] {
  const serviceAccountId = config?.service_account_id ?? null;
  if (containsUnknown(serviceAccountId)) return [];
  return problemDiagnostics(validateServiceAccountId(serviceAccountId), "keyform_api_keys");
}

/** ReadDataSource: every key of the service account (List, all pages), oldest first, no secrets. */
export async function readApiKeys(context: ProviderContext, config: TerraformObject): Promise<{ state: TerraformObject | null; diagnostics: DiagnosticInit[] }> {
  const serviceAccountId = typeof config.service_account_id === "string" ? config.service_account_id : "";
  try {
    const client = await context.client();
    const keys: TerraformObject[] = [];
    for await (const key of client.listApiKeys(serviceAccountId)) {
      keys.push({
        id: key.id,
        service_account_id: key.serviceAccountId,
        description: key.description,
        scopes: [...key.scopes],
        expires_at: timestampText(key.expiresAt),
        created_at: timestampText(key.createdAt),
        last_used_at: timestampText(key.lastUsedAt),
        masked_secret: key.maskedSecret,
      });
    }
    keys.sort((left, right) => String(left.created_at ?? "").localeCompare(String(right.created_at ?? "")));
    return { state: { service_account_id: serviceAccountId, id: serviceAccountId, keys }, diagnostics: [] };
  } catch (error) {
    return { state: null, diagnostics: [apiErrorDiagnostic(`list the API keys of ${serviceAccountId}`, error, { serviceAccountId })] };
  }
}
