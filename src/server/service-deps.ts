import { toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack, AnySchema } from "@bufbuild/protobuf/wkt";
import { ApiError } from "../api-error.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import type { Store } from "../store/index.js";
import { operationMessage } from "./convert.js";
import type { OperationRunner } from "./operations.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { effectivePageSize, pageSizeProblems, throwIfProblems } from "./request-validation.js";
import type { ServerKeys } from "./server-keys.js";

/** What the service logic needs; built once by startServer. */
export interface ServiceDeps {
  readonly store: Store;
  readonly keys: ServerKeys;
  readonly operations: OperationRunner;
  readonly now: () => number;
}

/** Encoded google.protobuf.Any of a message (type URL type.googleapis.com/<full name>). */
export function anyBytes<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  return toBinary(AnySchema, anyPack(schema, message));
}

/** A validated page request: where to start and how many, for the listing named by `scope`. */
export interface PageRequest {
  readonly afterSeq: number;
  readonly limit: number;
  /** Token for the page after one that ended at `lastSeq`, or "" when it was the last. */
  nextToken(nextAfterSeq: number | undefined): string;
}

/** Validates page_size/page_token (INVALID_ARGUMENT naming them) for the listing `scope`. */
export function pageRequest(keys: ServerKeys, scope: string, pageSize: bigint, pageToken: string): PageRequest {
  throwIfProblems(pageSizeProblems(pageSize));
  const afterSeq = decodePageToken(keys.pageTokenKey, scope, pageToken);
  return {
    afterSeq,
    limit: effectivePageSize(pageSize),
    nextToken: (nextAfterSeq) => (nextAfterSeq === undefined ? "" : encodePageToken(keys.pageTokenKey, scope, nextAfterSeq)),
  };
}

/** Replay of an operation-returning call: the stored bytes are the operation id; answers its current state. */
export function replayOperation(deps: ServiceDeps): (stored: Uint8Array) => Promise<Operation> {
  return async (stored) => {
    const id = Buffer.from(stored).toString("utf8");
    const record = await deps.store.getOperation(id);
    if (!record) throw ApiError.notFound(`operation ${id} not found`);
    return operationMessage(await deps.operations.refresh(record));
  };
}
