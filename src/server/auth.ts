import { ApiError, Code } from "../api-error.js";
import type { ApiKeyRecord, Store } from "../store/index.js";
import { sha256Hex } from "./credentials-format.js";
import { trace } from "./trace.js";

/** Who is calling: an admin (Bearer token) or a service account (one of its API keys). */
export type Caller =
  | { readonly kind: "admin"; readonly id: "admin" }
  | { readonly kind: "account"; readonly id: string; readonly apiKeyId: string };

const ADMIN: Caller = { kind: "admin", id: "admin" };

/** last_used_at is written at most this often per key, so that reads don't become writes. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface Authenticator {
  /**
   * Resolves the `authorization` metadata value. Throws UNAUTHENTICATED for a missing,
   * malformed, unknown or expired credential; the message never contains the credential.
   */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

function expired(key: ApiKeyRecord, nowMs: number): boolean {
  if (!key.expiresAt) return false;
  return key.expiresAt.seconds * 1000 + key.expiresAt.nanos / 1e6 <= nowMs;
}

/**
 * Authenticates `Bearer <admin token>` against exactly `adminTokenDigests` (held in memory) and
 * `Api-Key <secret>` by looking the secret's SHA-256 digest up in the store.
 */
export function createAuthenticator(store: Store, adminTokenDigests: Iterable<string>, now: () => number = Date.now): Authenticator {
  const adminDigests = new Set(adminTokenDigests);
  // Last time this process wrote last_used_at per key; bounded by the number of keys.
  const lastTouched = new Map<string, number>();

  async function touch(key: ApiKeyRecord, nowMs: number): Promise<void> {
    const previous = lastTouched.get(key.id) ?? key.lastUsedAtMs ?? Number.NEGATIVE_INFINITY;
    if (nowMs - previous < LAST_USED_WRITE_INTERVAL_MS) return;
    lastTouched.set(key.id, nowMs);
    try {
      await store.touchApiKey(key.id, nowMs);
    } catch (error) {
      // Bookkeeping only: a busy store must not fail an otherwise valid call.
      trace("server", `could not record last use of api key ${key.id}: ${ApiError.from(error).message}`);
    }
  }

  return {
    async authenticate(authorization) {
      if (!authorization) {
        throw new ApiError(Code.UNAUTHENTICATED, "missing credentials: send authorization metadata 'Bearer <token>' or 'Api-Key <secret>'");
      }
      const space = authorization.indexOf(" ");
      const scheme = space < 0 ? "" : authorization.slice(0, space).toLowerCase();
      const credential = space < 0 ? "" : authorization.slice(space + 1).trim();
      if (scheme === "bearer" && credential !== "") {
        if (adminDigests.has(sha256Hex(credential))) return ADMIN;
        throw new ApiError(Code.UNAUTHENTICATED, "invalid bearer token");
      }
      if (scheme === "api-key" && credential !== "") {
        const key = await store.getApiKeyBySecretDigest(sha256Hex(credential));
        if (!key) throw new ApiError(Code.UNAUTHENTICATED, "invalid api key");
        const nowMs = now();
        if (expired(key, nowMs)) throw new ApiError(Code.UNAUTHENTICATED, `api key ${key.id} has expired`);
        await touch(key, nowMs);
        trace("server", `authenticated api key ${key.id} of ${key.serviceAccountId}`);
        return { kind: "account", id: key.serviceAccountId, apiKeyId: key.id };
      }
      throw new ApiError(Code.UNAUTHENTICATED, "malformed authorization metadata: expected 'Bearer <token>' or 'Api-Key <secret>'");
    },
  };
}

/**
 * The service account a request acts on: a service account acts on itself (empty id = own,
 * another id = PERMISSION_DENIED); an admin must name one (INVALID_ARGUMENT otherwise).
 */
export function actingAccount(caller: Caller, requestedId: string, field = "service_account_id"): string {
  if (caller.kind === "admin") {
    if (requestedId === "") throw ApiError.invalidArgument(field, "is required when authenticated with an admin token");
    return requestedId;
  }
  if (requestedId === "" || requestedId === caller.id) return caller.id;
  throw new ApiError(Code.PERMISSION_DENIED, `${field}: a service account may manage only its own keys`);
}

/** Throws PERMISSION_DENIED unless the caller is an admin or owns `ownerAccountId`. */
export function requireOwner(caller: Caller, ownerAccountId: string, what: string): void {
  if (caller.kind === "account" && caller.id !== ownerAccountId) {
    throw new ApiError(Code.PERMISSION_DENIED, `${what} belongs to another service account`);
  }
}

/** Throws PERMISSION_DENIED unless the caller is an admin. */
export function requireAdmin(caller: Caller): void {
  if (caller.kind !== "admin") throw new ApiError(Code.PERMISSION_DENIED, "only an admin token may manage service accounts");
}
