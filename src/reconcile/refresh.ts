import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { ApiError, Code } from "../api-error.js";
import type { ApiKey, ApiKeyClient } from "../client/types.js";
import type { DesiredState, ObservedKey, StateFile } from "./types.js";
import { mapSettledBounded } from "./apply/pool.js";
import { createTracer } from "../client/trace.js";

const trace = createTracer("reconcile");

/** What refresh saw: every key of every listed account (accounts listed even when empty). */
export interface Observation {
  /** Accounts that were listed; a key of another account was not looked at. */
  readonly accounts: readonly string[];
  readonly keys: readonly ObservedKey[];
  readonly byAccount: ReadonlyMap<string, readonly ObservedKey[]>;
}

/** Default number of List streams in flight. */
export const REFRESH_CONCURRENCY = 16;

/**
 * RFC 3339 in UTC with the fraction only when non-zero (nanosecond precision kept), e.g.
 * `2030-01-01T00:00:00Z` or `2030-01-01T00:00:00.5Z`.
 */
export function timestampToRfc3339(timestamp: Timestamp): string {
  const whole = new Date(Number(timestamp.seconds) * 1000).toISOString().slice(0, 19);
  const fraction = timestamp.nanos > 0 ? `.${String(timestamp.nanos).padStart(9, "0").replace(/0+$/, "")}` : "";
  return `${whole}${fraction}Z`;
}

/** The API's key as plain data (expires_at null when unset). */
export function toObservedKey(key: ApiKey): ObservedKey {
  return {
    id: key.id,
    service_account_id: key.serviceAccountId,
    description: key.description,
    scopes: [...key.scopes],
    expires_at: key.expiresAt ? timestampToRfc3339(key.expiresAt) : null,
    created_at: key.createdAt ? timestampToRfc3339(key.createdAt) : "",
    masked_secret: key.maskedSecret,
  };
}

/**
 * Every account whose keys matter to a plan: those of declared keys, of state resources
 * (including pending creates), of `keyform_api_keys` listings and the exclusive accounts.
 * Sorted and deduplicated.
 */
export function accountsToRefresh(desired: DesiredState | null, state: StateFile): string[] {
  const accounts = new Set<string>();
  for (const key of desired?.keys ?? []) accounts.add(key.config.service_account_id);
  for (const listing of desired?.listings ?? []) accounts.add(listing.service_account_id);
  for (const account of desired?.exclusive_service_accounts ?? []) accounts.add(account);
  for (const resource of state.resources) {
    accounts.add(resource.config.service_account_id);
    if (resource.pending_create) accounts.add(resource.pending_create.config.service_account_id);
  }
  accounts.delete("");
  return [...accounts].sort();
}

/**
 * Lists the keys of each account (page_size 1000, all pages), `concurrency` accounts at a
 * time; never a per-key Get. An account the API does not know (NOT_FOUND) has no keys.
 * Throws the first other failure as an ApiError naming the account.
 */
export async function refreshAccounts(
  client: ApiKeyClient,
  accounts: readonly string[],
  options: { concurrency?: number } = {},
): Promise<Observation> {
  const started = performance.now();
  const results = await mapSettledBounded(accounts, options.concurrency ?? REFRESH_CONCURRENCY, async (account) => {
    const keys: ObservedKey[] = [];
    try {
      for await (const key of client.listApiKeys(account, { pageSize: 1000 })) {
        keys.push(toObservedKey(key));
      }
    } catch (error) {
      const apiError = ApiError.from(error);
      if (apiError.code === Code.NOT_FOUND) return keys;
      throw new ApiError(apiError.code, `listing keys of service account ${account}: ${apiError.rawMessage}`, { cause: error });
    }
    return keys;
  });
  const byAccount = new Map<string, readonly ObservedKey[]>();
  results.forEach((result, index) => {
    if (result.status === "rejected") throw result.reason;
    byAccount.set(accounts[index] as string, result.value);
  });
  const keys = [...byAccount.values()].flat();
  trace(`refresh: ${accounts.length} accounts listed, ${keys.length} keys, ${(performance.now() - started).toFixed(0)} ms`);
  return { accounts: [...accounts], keys, byAccount };
}
