import { ApiError } from "../api-error.js";
import { apiKeyResource, type UpdateMaskPath } from "../resource/index.js";
import type { ApiKeyPatch, Instant } from "../store/index.js";

/** update_mask paths UpdateApiKeyRequest accepts, taken from the one resource definition. */
export const API_KEY_UPDATE_PATHS: readonly UpdateMaskPath[] = apiKeyResource.attributes.flatMap((attribute) =>
  attribute.updateMaskPath ? [attribute.updateMaskPath] : [],
);

/**
 * The paths an Update applies. An absent or empty mask means every mutable field (the
 * public design guide's rule); an unknown path is INVALID_ARGUMENT naming update_mask.
 * Duplicates collapse; the result follows API_KEY_UPDATE_PATHS order.
 */
export function resolveUpdateMask(paths: readonly string[] | undefined): UpdateMaskPath[] {
  if (!paths || paths.length === 0) return [...API_KEY_UPDATE_PATHS];
  for (const path of paths) {
    if (!(API_KEY_UPDATE_PATHS as readonly string[]).includes(path)) {
      throw ApiError.invalidArgument("update_mask", `unknown path "${path}"; allowed paths: ${API_KEY_UPDATE_PATHS.join(", ")}`);
    }
  }
  return API_KEY_UPDATE_PATHS.filter((path) => paths.includes(path));
}

/** The values of an Update request that its mask selects (expires_at unset = clear it). */
export function patchForMask(
  paths: readonly UpdateMaskPath[],
  values: { description: string; scopes: readonly string[]; expiresAt: Instant | null },
): ApiKeyPatch {
  return {
    ...(paths.includes("description") ? { description: values.description } : {}),
    ...(paths.includes("scopes") ? { scopes: [...values.scopes] } : {}),
    ...(paths.includes("expires_at") ? { expiresAt: values.expiresAt } : {}),
  };
}
