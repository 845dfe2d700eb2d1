import { ApiError } from "../api-error.js";
import type { IdempotencyRecord, Store } from "../store/index.js";
import { sha256Hex } from "./credentials-format.js";
import type { CallContext } from "./unary.js";

/** Idempotency records (and the encrypted Create secrets in them) live this long. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Builds the record to commit together with the mutation, given what a replay must return. */
export type RecordFactory = (replay: Uint8Array) => IdempotencyRecord;

export interface IdempotentCall<T> {
  /** The encoded request: the fingerprint is SHA-256 over method + these bytes. */
  readonly requestBytes: Uint8Array;
  /** Performs the call; must commit `makeRecord(replay)` in the same transaction as its mutation. */
  readonly run: (makeRecord: RecordFactory | undefined) => Promise<T>;
  /** Rebuilds the original result from the bytes `run` stored. */
  readonly replay: (stored: Uint8Array) => Promise<T>;
}

/**
 * Honours the `idempotency-key` metadata: the first call with a key runs and records its
 * result atomically with its mutation; a later call with the same key, caller, method and
 * request gets that result back; the same key with a different request is INVALID_ARGUMENT
 * naming idempotency-key. Without a key the call simply runs.
 */
export async function idempotent<T>(store: Store, context: CallContext, call: IdempotentCall<T>, now: () => number): Promise<T> {
  const key = context.idempotencyKey;
  if (key === undefined) return call.run(undefined);
  const fingerprint = sha256Hex(Buffer.concat([Buffer.from(`${context.method}\0`), call.requestBytes]));
  const caller = context.caller.id;

  const replayExisting = async (): Promise<T | undefined> => {
    const existing = await store.getIdempotencyRecord(caller, context.method, key);
    if (!existing) return undefined;
    if (existing.createdAtMs < now() - IDEMPOTENCY_RETENTION_MS) {
      await store.purgeIdempotencyRecords(now() - IDEMPOTENCY_RETENTION_MS);
      return undefined;
    }
    if (existing.fingerprint !== fingerprint) {
      throw ApiError.invalidArgument("idempotency-key", "was already used with a different request; use a new key for a new request");
    }
    return call.replay(existing.response);
  };

  const replayed = await replayExisting();
  if (replayed !== undefined) return replayed;
  try {
    return await call.run((replay) => ({ caller, method: context.method, key, fingerprint, response: replay, createdAtMs: now() }));
  } catch (error) {
    // A twin request with the same key committed first: answer as a retry would be answered.
    // The twin may also have made this run fail otherwise (e.g. ALREADY_EXISTS on a name).
    const twin = await replayExisting();
    if (twin === undefined) throw error;
    return twin;
  }
}
