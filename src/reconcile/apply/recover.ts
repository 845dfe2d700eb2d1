import { ApiError, Code } from "../../api-error.js";
import type { ApiKeyClient } from "../../client/types.js";
import type { StateStore } from "../state/state-store.js";
import type { StateResource } from "../types.js";
import { createKey, deleteKeyIfPresent, newIdempotencyKey } from "./key-requests.js";
import { DEFAULT_PARALLELISM, mapSettledBounded } from "./pool.js";
import type { ApplyProgress } from "./progress.js";

/** An address whose interrupted work could not be finished, and why (never a secret). */
export interface ResourceError {
  readonly address: string;
  readonly message: string;
  /** True when the change never started because the run was interrupted. */
  readonly notStarted?: boolean;
}

export interface RecoveryResult {
  /** Key ids recovered from pending creates: never to be deleted as "unmanaged" by this run. */
  readonly recoveredKeyIds: ReadonlySet<string>;
  /** Addresses whose pending create was resolved (their plan entries are already done). */
  readonly resolvedAddresses: ReadonlySet<string>;
  readonly errors: readonly ResourceError[];
}

/**
 * Finishes what an interrupted apply left in state, before anything else touches the API:
 * - a `pending_create` is replayed with its recorded idempotency key and configuration (the
 *   server answers with the same key and secret if the first Create went through, else creates
 *   it now), and recorded; a replaced key that was still current moves to `deposed`;
 * - every `deposed` key is deleted with its recorded idempotency key and dropped from state.
 * A Create refused with NOT_FOUND (the service account is gone) cannot have produced a key
 * that still exists, so its pending entry is dropped. Other failures are returned per address
 * and leave the entry in state for the next run. At most `parallelism` resources (default 16,
 * as for apply) are worked on at once.
 */
export async function recoverInterruptedWork(
  client: ApiKeyClient,
  store: StateStore,
  progress: ApplyProgress,
  options: { readonly parallelism?: number } = {},
): Promise<RecoveryResult> {
  const recoveredKeyIds = new Set<string>();
  const resolvedAddresses = new Set<string>();
  const errors: ResourceError[] = [];
  const unfinished = store.current().resources.filter((resource) => resource.pending_create || resource.deposed.length > 0);
  const results = await mapSettledBounded(unfinished, options.parallelism ?? DEFAULT_PARALLELISM, async (resource) => {
    if (resource.pending_create) {
      const recovered = await replayPendingCreate(client, store, resource, progress);
      if (recovered) recoveredKeyIds.add(recovered);
      resolvedAddresses.add(resource.address);
    }
    await deleteDeposedKeys(client, store, resource.address, progress);
  });
  results.forEach((result, index) => {
    if (result.status === "rejected") errors.push({ address: (unfinished[index] as StateResource).address, message: ApiError.from(result.reason).message });
  });
  return { recoveredKeyIds, resolvedAddresses, errors };
}

/**
 * Replays the pending create of `resource` with its recorded idempotency key and configuration
 * and records the key (a replaced key that was current moves to `deposed`). A Create refused
 * with NOT_FOUND (the account is gone, so no key of it can exist) drops the pending entry, and
 * the resource with it when nothing else is left. Returns the key id, or null when dropped.
 * Other failures are thrown and leave the entry.
 */
export async function replayPendingCreate(client: ApiKeyClient, store: StateStore, resource: StateResource, progress: ApplyProgress): Promise<string | null> {
  const pending = resource.pending_create;
  if (!pending) return null;
  progress.step(resource.address, `Resolving interrupted create (replaying with the same idempotency key)...`);
  let attributes;
  try {
    attributes = await createKey(client, pending.config, pending.idempotency_key);
  } catch (error) {
    if (ApiError.from(error).code !== Code.NOT_FOUND) throw error;
    progress.step(resource.address, `Interrupted create dropped: service account ${pending.config.service_account_id} no longer exists`);
    await store.update((draft) => {
      const current = draft.resources.get(resource.address);
      if (!current) return;
      if (current.attributes || current.deposed.length > 0) draft.resources.set(resource.address, { ...current, pending_create: null });
      else draft.resources.delete(resource.address);
    });
    return null;
  }
  await store.update((draft) => {
    const current = draft.resources.get(resource.address) ?? resource;
    const old = current.attributes;
    const deposed = old && old.id !== attributes.id ? [...current.deposed, { id: old.id, idempotency_key: newIdempotencyKey() }] : current.deposed;
    draft.resources.set(resource.address, { ...current, config: pending.config, attributes, pending_create: null, deposed });
  });
  progress.step(resource.address, `Creation complete [id=${attributes.id}]`);
  return attributes.id;
}

/** Deletes every deposed key of `address` (recorded idempotency key), dropping each from state once gone. */
export async function deleteDeposedKeys(client: ApiKeyClient, store: StateStore, address: string, progress: ApplyProgress): Promise<void> {
  const resource = store.resource(address);
  for (const deposed of resource?.deposed ?? []) {
    progress.step(address, `Destroying deposed key... [id=${deposed.id}]`);
    await deleteKeyIfPresent(client, deposed.id, deposed.idempotency_key);
    await store.update((draft) => {
      const current = draft.resources.get(address);
      if (!current) return;
      draft.resources.set(address, { ...current, deposed: current.deposed.filter((entry) => entry.id !== deposed.id) });
    });
    progress.step(address, `Destruction complete [id=${deposed.id}]`);
  }
}
