import { ApiError } from "../../api-error.js";
import type { ApiKeyClient } from "../../client/types.js";
import type { StateStore } from "../state/state-store.js";
import type { ApiKeyConfig, ResourceChange, StateResource } from "../types.js";
import { createKey, deleteKeyIfPresent, newIdempotencyKey, updateRequestOf } from "./key-requests.js";
import { DEFAULT_PARALLELISM, NotStartedError, mapSettledBounded } from "./pool.js";
import type { ApplyProgress } from "./progress.js";
import { silentProgress } from "./progress.js";
import { replayPendingCreate } from "./recover.js";
import type { ResourceError } from "./recover.js";
import { createTracer } from "../../client/trace.js";
import { sameValue } from "../plan/index.js";
import { recordsPreventDestroy, withPreventDestroy } from "../state/lifecycle-record.js";

const trace = createTracer("reconcile");

export interface ApplyOptions {
  /** Changes in flight at once (default 16). */
  readonly parallelism?: number;
  readonly progress?: ApplyProgress;
  /** Addresses whose interrupted create recovery already finished: their pending-create changes are done. */
  readonly resolvedAddresses?: ReadonlySet<string>;
  /** Keys recovered from pending creates: never deleted as unmanaged in the same run. */
  readonly protectedKeyIds?: ReadonlySet<string>;
  /** When aborted (Ctrl-C), changes not yet started are skipped and reported; those in flight finish. */
  readonly signal?: AbortSignal;
  /**
   * lifecycle.prevent_destroy of every address the configuration declares, recorded in state
   * with the resource (a new one in its very first write); addresses not in the map keep
   * their record.
   */
  readonly preventDestroy?: ReadonlyMap<string, boolean>;
}

export interface ApplyResult {
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  /** One entry per failed change; every other change was still carried out. */
  readonly errors: readonly ResourceError[];
}

interface Context {
  readonly client: ApiKeyClient;
  readonly store: StateStore;
  readonly progress: ApplyProgress;
  readonly preventDestroy: ReadonlyMap<string, boolean>;
  /**
   * Takes a change's last state write, so that the change's slot in the pool is free while
   * that write waits for its group commit (the next change starts meanwhile). The change counts
   * as done, and the apply as finished, only once the write is durable.
   */
  readonly trail?: (lastWrite: Promise<void>) => void;
}

function resourceAt(store: StateStore, address: string): StateResource | undefined {
  return store.resource(address);
}

/**
 * Creates the key for `address` crash-safely: durably records `pending_create` (a fresh
 * idempotency key, or the one already recorded) BEFORE Create, then records the key and its
 * secret and clears the pending entry. With `deposeCurrent`, the key that was current moves
 * to `deposed` in that same write (create_before_destroy). With `lastStep` (nothing follows in
 * this change), the final write is handed to `context.trail` instead of awaited. Returns the new key id.
 */
async function createRecorded(context: Context, address: string, config: ApiKeyConfig, deposeCurrent: boolean, lastStep = false): Promise<string> {
  const { client, store, progress } = context;
  const existing = resourceAt(store, address);
  const pending = existing?.pending_create ?? { idempotency_key: newIdempotencyKey(), started_at: new Date().toISOString(), config };
  if (!existing?.pending_create) {
    await store.update((draft) => {
      const current = draft.resources.get(address);
      const resource: StateResource = {
        ...current,
        address,
        config: current?.config ?? config,
        attributes: current?.attributes ?? null,
        pending_create: pending,
        deposed: current?.deposed ?? [],
      };
      draft.resources.set(address, withPreventDestroy(resource, context.preventDestroy.get(address) ?? recordsPreventDestroy(current)));
    });
  }
  progress.step(address, "Creating...");
  const attributes = await createKey(client, pending.config, pending.idempotency_key);
  const recorded = store
    .update((draft) => {
      const current = draft.resources.get(address);
      const old = current?.attributes;
      const deposed = [...(current?.deposed ?? [])];
      if (deposeCurrent && old && old.id !== attributes.id) deposed.push({ id: old.id, idempotency_key: newIdempotencyKey() });
      draft.resources.set(address, { ...current, address, config: pending.config, attributes, pending_create: null, deposed });
    })
    .then(() => progress.step(address, `Creation complete [id=${attributes.id}]`));
  if (lastStep && context.trail) context.trail(recorded);
  else await recorded;
  return attributes.id;
}

/** Deletes one deposed key of `address` with its recorded idempotency key, then drops it from state. */
async function deleteDeposed(context: Context, address: string, keyId: string): Promise<void> {
  const { client, store, progress } = context;
  const entry = resourceAt(store, address)?.deposed.find((deposed) => deposed.id === keyId);
  progress.step(address, `Destroying... [id=${keyId}]`);
  await deleteKeyIfPresent(client, keyId, entry?.idempotency_key ?? newIdempotencyKey());
  await store.update((draft) => {
    const current = draft.resources.get(address);
    if (current) draft.resources.set(address, { ...current, deposed: current.deposed.filter((deposed) => deposed.id !== keyId) });
  });
  progress.step(address, `Destruction complete [id=${keyId}]`);
}

async function applyCreate(context: Context, change: ResourceChange, config: ApiKeyConfig): Promise<void> {
  await createRecorded(context, change.address, config, false, true);
}

async function applyUpdate(context: Context, change: ResourceChange, config: ApiKeyConfig): Promise<void> {
  const { client, store, progress } = context;
  const keyId = change.key_id ?? resourceAt(store, change.address)?.attributes?.id;
  if (change.update_mask.length > 0) {
    if (!keyId) throw new Error("no key id to update");
    progress.step(change.address, `Modifying... [id=${keyId}]`);
    await client.updateApiKey(updateRequestOf(keyId, config, change.update_mask), { idempotencyKey: newIdempotencyKey() });
  }
  // Only keyform's own arguments (rotate_after) changed when the mask is empty: state only.
  await store.update((draft) => {
    const current = draft.resources.get(change.address);
    if (current) draft.resources.set(change.address, { ...current, config });
  });
  progress.step(change.address, `Modifications complete [id=${keyId ?? "?"}]`);
}

async function applyDelete(context: Context, change: ResourceChange, protectedKeyIds: ReadonlySet<string>): Promise<void> {
  const { client, store, progress } = context;
  if (change.deposed !== undefined) return deleteDeposed(context, change.address, change.deposed);
  let tracked = resourceAt(store, change.address);
  let keyId = change.key_id ?? tracked?.attributes?.id ?? null;
  if (tracked?.pending_create) {
    // Its recovery failed earlier in this run. Dropping the entry would orphan the key its
    // Create may have made: replay it (a replaced key that was current becomes deposed), then
    // delete what it yields along with the rest.
    await replayPendingCreate(client, store, tracked, progress);
    tracked = resourceAt(store, change.address);
    if (!tracked) return;
    keyId = tracked.attributes?.id ?? null;
  }
  if (!tracked) {
    if (keyId === null) return;
    if (protectedKeyIds.has(keyId)) {
      progress.step(change.address, `Skipped: key ${keyId} was just recovered from an interrupted create`);
      return;
    }
  }
  if (keyId !== null) {
    progress.step(change.address, `Destroying... [id=${keyId}]`);
    await deleteKeyIfPresent(client, keyId, newIdempotencyKey());
  }
  for (const deposed of tracked?.deposed ?? []) await deleteKeyIfPresent(client, deposed.id, deposed.idempotency_key);
  if (tracked) await store.update((draft) => void draft.resources.delete(change.address));
  progress.step(change.address, `Destruction complete${keyId ? ` [id=${keyId}]` : ""}`);
}

async function applyDeleteThenCreate(context: Context, change: ResourceChange, config: ApiKeyConfig): Promise<void> {
  const { client, store, progress } = context;
  const keyId = change.key_id ?? resourceAt(store, change.address)?.attributes?.id ?? null;
  if (keyId !== null) {
    progress.step(change.address, `Destroying... [id=${keyId}]`);
    await deleteKeyIfPresent(client, keyId, newIdempotencyKey());
    await store.update((draft) => {
      const current = draft.resources.get(change.address);
      if (current) draft.resources.set(change.address, { ...current, attributes: null });
    });
    progress.step(change.address, `Destruction complete [id=${keyId}]`);
  }
  await createRecorded(context, change.address, config, false, true);
}

async function applyCreateThenDelete(context: Context, change: ResourceChange, config: ApiKeyConfig): Promise<void> {
  await createRecorded(context, change.address, config, true);
  await deleteAllDeposed(context, change.address);
}

async function deleteAllDeposed(context: Context, address: string): Promise<void> {
  for (const deposed of resourceAt(context.store, address)?.deposed ?? []) await deleteDeposed(context, address, deposed.id);
}

/** Same configuration in meaning (the planner's comparison: instants, not spellings). */
function sameConfig(left: ApiKeyConfig, right: ApiKeyConfig): boolean {
  const names = new Set([...Object.keys(left), ...Object.keys(right)]) as Set<keyof ApiKeyConfig>;
  return [...names].every((name) => sameValue(name, left[name], right[name]));
}

function counts(change: ResourceChange): { added: number; changed: number; destroyed: number } {
  const actions = change.actions as readonly string[];
  return {
    added: actions.includes("create") ? 1 : 0,
    changed: actions.length === 1 && actions[0] === "update" ? 1 : 0,
    destroyed: actions.includes("delete") ? 1 : 0,
  };
}

function runChange(context: Context, change: ResourceChange, config: ApiKeyConfig | null | undefined, protectedKeyIds: ReadonlySet<string>): Promise<void> {
  switch (change.actions.join(",")) {
    case "create":
      return applyCreate(context, change, config as ApiKeyConfig);
    case "update":
      return applyUpdate(context, change, config as ApiKeyConfig);
    case "delete":
      return applyDelete(context, change, protectedKeyIds);
    case "delete,create":
      return applyDeleteThenCreate(context, change, config as ApiKeyConfig);
    case "create,delete":
      return applyCreateThenDelete(context, change, config as ApiKeyConfig);
    default:
      return Promise.reject(new Error(`unknown actions ${JSON.stringify(change.actions)}`));
  }
}

/**
 * Executes the changes of a plan against the API, at most `parallelism` at once (every change
 * is independent: one key each), writing state after every step through the store's queue.
 * A failing change is recorded in `errors` and the others go on. Crash safety comes from the
 * order of steps (see createRecorded and the deposed handling) plus recoverInterruptedWork.
 */
export async function applyChanges(client: ApiKeyClient, store: StateStore, changes: readonly ResourceChange[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const progress = options.progress ?? silentProgress;
  const preventDestroy = options.preventDestroy ?? new Map<string, boolean>();
  const context: Context = { client, store, progress, preventDestroy };
  const resolved = options.resolvedAddresses ?? new Set<string>();
  const work = changes.filter(
    (change) => change.actions[0] !== "no-op" && !(change.reason === "pending_create_unresolved" && resolved.has(change.address)),
  );
  // A no-op whose configuration differs from state's record (an Update that went through
  // just before a crash, or drift that happens to match the configuration): record it, so that
  // state says what the key is and the drift is not reported again. No RPC.
  const stale = changes.filter((change) => {
    const tracked = change.actions[0] === "no-op" && change.config ? store.resource(change.address) : undefined;
    return tracked?.attributes != null && !tracked.pending_create && !sameConfig(tracked.config, change.config as ApiKeyConfig);
  });
  // Lifecycle records follow the configuration before any change starts, so that a kill
  // mid-apply never leaves a protected key unprotected in state.
  const lifecycleStale = [...preventDestroy].filter(([address, value]) => {
    const tracked = store.resource(address);
    return tracked !== undefined && recordsPreventDestroy(tracked) !== value;
  });
  if (stale.length > 0 || lifecycleStale.length > 0) {
    await store.update((draft) => {
      for (const change of stale) {
        const current = draft.resources.get(change.address);
        if (current && change.config) draft.resources.set(change.address, { ...current, config: change.config });
      }
      for (const [address, value] of lifecycleStale) {
        const current = draft.resources.get(address);
        if (current) draft.resources.set(address, withPreventDestroy(current, value));
      }
    });
  }
  const totals = { added: 0, changed: 0, destroyed: 0 };
  const errors: ResourceError[] = [];
  progress.start(work.length);
  // Last state writes handed over by changes whose slot is already free (see Context.trail).
  const lastWrites = new Map<number, Promise<void>>();
  const slotResults = await mapSettledBounded(work, options.parallelism ?? DEFAULT_PARALLELISM, async (change, index) => {
    const config = change.config;
    const needsConfig = (change.actions as readonly string[]).includes("create") || change.actions[0] === "update";
    if (needsConfig && !config) throw new Error("the plan gives no configuration for this change");
    const started = performance.now();
    trace(`${change.address}: ${change.actions.join(",")} started`);
    const ended = () => {
      trace(`${change.address}: ${change.actions.join(",")} ended after ${(performance.now() - started).toFixed(0)} ms`);
      progress.finished(change.address);
    };
    try {
      await runChange({ ...context, trail: (lastWrite) => void lastWrites.set(index, lastWrite) }, change, config, options.protectedKeyIds ?? new Set());
    } catch (error) {
      ended();
      throw error;
    }
    const lastWrite = lastWrites.get(index);
    if (!lastWrite) return ended();
    const recorded = lastWrite.finally(ended);
    // Its failure is reported with the change below, after the pool: not an unhandled rejection meanwhile.
    recorded.catch(() => undefined);
    lastWrites.set(index, recorded);
  }, options.signal);
  const results = await Promise.all(
    slotResults.map(async (result, index): Promise<PromiseSettledResult<void>> => {
      const lastWrite = lastWrites.get(index);
      if (result.status === "rejected" || !lastWrite) return result;
      return lastWrite.then(
        (): PromiseSettledResult<void> => ({ status: "fulfilled", value: undefined }),
        (reason: unknown): PromiseSettledResult<void> => ({ status: "rejected", reason }),
      );
    }),
  );
  results.forEach((result, index) => {
    const change = work[index] as ResourceChange;
    if (result.status === "fulfilled") {
      const count = counts(change);
      totals.added += count.added;
      totals.changed += count.changed;
      totals.destroyed += count.destroyed;
    } else {
      const reason = result.reason;
      const message = reason instanceof ApiError ? reason.message : reason instanceof Error ? reason.message : String(reason);
      errors.push(reason instanceof NotStartedError ? { address: change.address, message, notStarted: true } : { address: change.address, message });
    }
  });
  progress.stop();
  return { ...totals, errors };
}
