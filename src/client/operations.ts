import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ApiError, Code } from "../api-error.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import { backoffDelayMs, sleep } from "./retry.js";

/** Polling of OperationService.Get: 50 ms first, x1.5 per poll, at most 1 s between polls. */
const POLL_BACKOFF = { initialMs: 50, multiplier: 1.5, maxMs: 1000 } as const;

/** Fetches an operation by id; `giveUpAt` bounds the RPC (and its retries) by the wait's deadline. */
export type GetOperation = (operationId: string, giveUpAt: number) => Promise<Operation>;

/**
 * Polls until `operation` is done or `timeoutMs` has passed, then returns the finished
 * operation.
 * @throws ApiError with the operation's own code and message when it finished with an error;
 *   DEADLINE_EXCEEDED (naming the operation) when it is still running at the deadline.
 */
export async function waitUntilDone(operation: Operation, getOperation: GetOperation, timeoutMs: number): Promise<Operation> {
  const giveUpAt = Date.now() + timeoutMs;
  let current = operation;
  for (let poll = 1; !current.done; poll++) {
    const remaining = giveUpAt - Date.now();
    if (remaining <= 0) {
      throw new ApiError(Code.DEADLINE_EXCEEDED, `operation ${operation.id} is not done after ${timeoutMs} ms`);
    }
    await sleep(Math.min(remaining, backoffDelayMs(POLL_BACKOFF, poll)));
    try {
      current = await getOperation(operation.id, giveUpAt);
    } catch (error) {
      const apiError = ApiError.from(error);
      if (apiError.code !== Code.DEADLINE_EXCEEDED) throw apiError;
      // Loop again: the check at the top turns an exhausted wait into one clear error.
    }
  }
  throwIfFailed(current);
  return current;
}

/** Throws the operation's error (google.rpc.Status) as an ApiError; returns when it succeeded. */
export function throwIfFailed(operation: Operation): void {
  if (operation.result.case !== "error") return;
  const status = operation.result.value;
  const code = status.code === Code.OK ? Code.UNKNOWN : (status.code as Code);
  throw new ApiError(code, status.message || `operation ${operation.id} failed`);
}

/**
 * The operation's response unpacked as `schema`.
 * @throws ApiError INTERNAL when the response is missing or of another type.
 */
export function operationResponse<Desc extends DescMessage>(operation: Operation, schema: Desc): MessageShape<Desc> {
  const response = operation.result.case === "response" ? operation.result.value : undefined;
  const unpacked = response ? anyUnpack(response, schema) : undefined;
  if (!unpacked) {
    const got = response ? response.typeUrl : "no response";
    throw new ApiError(Code.INTERNAL, `operation ${operation.id}: expected a ${schema.typeName} response, got ${got}`);
  }
  return unpacked;
}
