import { create, toBinary } from "@bufbuild/protobuf";
import { ApiError, Code } from "../api-error.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { Mutation, MutationResult, OperationRecord, Store } from "../store/index.js";
import { newResourceId } from "./credentials-format.js";
import type { RecordFactory } from "./idempotency.js";
import { trace } from "./trace.js";

/** Prefix of operation ids (API keys and service accounts use `aje`). */
export const OPERATION_ID_PREFIX = "ajo";

/** What completing an operation does: one mutation, and how to encode its response Any. */
export interface OperationWork {
  readonly mutation: Mutation;
  readonly respond: (result: MutationResult) => Uint8Array;
}

/** Rebuilds the work of a delayed operation from its stored payload (after a restart too). */
export type WorkPlanner = (payload: Uint8Array) => OperationWork;

export interface StartOperation {
  readonly resourceId: string;
  readonly ownerAccountId: string;
  readonly description: string;
  readonly createdBy: string;
  /** Encoded google.protobuf.Any. */
  readonly metadata: Uint8Array;
  /** Registered planner kind and the payload it decodes. */
  readonly kind: string;
  readonly payload: Uint8Array;
  readonly idempotency: RecordFactory | undefined;
}

function statusBytes(code: Code, message: string): Uint8Array {
  return toBinary(StatusSchema, create(StatusSchema, { code, message }));
}

/**
 * Runs operations. With delayMs 0 the mutation, the operation (done) and the idempotency
 * record commit in one transaction before the RPC returns. With delayMs > 0 the operation
 * is stored running (done=false) with its encoded work, and completes when a timer fires or
 * when it is read after its due time, whichever comes first, so a restart cannot strand it.
 */
export class OperationRunner {
  private readonly planners = new Map<string, WorkPlanner>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly delayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  register(kind: string, planner: WorkPlanner): void {
    this.planners.set(kind, planner);
  }

  private plan(kind: string, payload: Uint8Array): OperationWork {
    const planner = this.planners.get(kind);
    if (!planner) throw new Error(`no planner registered for operation kind ${kind}`);
    return planner(payload);
  }

  /** Starts an operation; returns its stored record (done unless operations are delayed). */
  async start(params: StartOperation): Promise<OperationRecord> {
    const nowMs = this.now();
    const id = newResourceId(OPERATION_ID_PREFIX);
    const delayed = this.delayMs > 0;
    const record: OperationRecord = {
      id,
      resourceId: params.resourceId,
      ownerAccountId: params.ownerAccountId,
      description: params.description,
      createdAtMs: nowMs,
      createdBy: params.createdBy,
      modifiedAtMs: nowMs,
      done: false,
      metadata: params.metadata,
      result: null,
      dueAtMs: delayed ? nowMs + this.delayMs : null,
      pending: delayed ? { kind: params.kind, payload: params.payload } : null,
    };
    const idempotency = params.idempotency?.(Buffer.from(id, "utf8"));
    if (delayed) {
      await this.store.commit({ insertOperation: record, idempotency });
      this.schedule(record);
      return record;
    }
    const work = this.plan(params.kind, params.payload);
    await this.store.commit({
      insertOperation: record,
      mutation: work.mutation,
      completeOperation: { id, modifiedAtMs: nowMs, outcome: { response: work.respond } },
      idempotency,
    });
    return this.mustGet(id);
  }

  private async mustGet(id: string): Promise<OperationRecord> {
    const record = await this.store.getOperation(id);
    if (!record) throw new ApiError(Code.NOT_FOUND, `operation ${id} not found`);
    return record;
  }

  /** Re-arms timers of operations left running by a previous process. */
  async resume(): Promise<void> {
    for (const record of await this.store.listRunningOperations()) this.schedule(record);
  }

  private schedule(record: OperationRecord): void {
    if (this.closed || record.dueAtMs === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(record.id);
      this.complete(record).catch((error: unknown) => trace("server", `completing operation ${record.id} failed: ${String(error)}`));
    }, Math.max(0, record.dueAtMs - this.now()));
    timer.unref();
    this.timers.set(record.id, timer);
  }

  /** Completes a running operation now: its mutation's result, or its ApiError as the error. */
  private async complete(record: OperationRecord): Promise<void> {
    if (record.done || !record.pending) return;
    const modifiedAtMs = this.now();
    try {
      const work = this.plan(record.pending.kind, record.pending.payload);
      await this.store.commit({
        mutation: work.mutation,
        completeOperation: { id: record.id, modifiedAtMs, outcome: { response: work.respond } },
      });
    } catch (error) {
      const apiError = ApiError.from(error);
      if (apiError.code === Code.INTERNAL) trace("server", `operation ${record.id} failed: ${String(error)}`);
      const message = apiError.code === Code.INTERNAL ? "internal error" : apiError.rawMessage;
      await this.store.commit({ completeOperation: { id: record.id, modifiedAtMs, outcome: { error: statusBytes(apiError.code, message) } } });
    }
  }

  /** The operation as it is now: a running one past its due time is completed first. */
  async refresh(record: OperationRecord): Promise<OperationRecord> {
    if (record.done || record.dueAtMs === null || record.dueAtMs > this.now()) return record;
    await this.complete(record);
    return this.mustGet(record.id);
  }

  /**
   * Cancels a running operation: it ends done with a CANCELLED error and its work is never
   * applied. A done operation cannot be cancelled (FAILED_PRECONDITION).
   */
  async cancel(record: OperationRecord): Promise<OperationRecord> {
    const current = await this.refresh(record);
    if (current.done) throw new ApiError(Code.FAILED_PRECONDITION, `operation ${record.id} is already done`);
    await this.store.commit({
      completeOperation: { id: record.id, modifiedAtMs: this.now(), outcome: { error: statusBytes(Code.CANCELLED, "operation cancelled") } },
    });
    const timer = this.timers.get(record.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(record.id);
    return this.mustGet(record.id);
  }

  /** Stops every timer; running operations stay stored and complete after a restart. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
