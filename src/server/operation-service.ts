import { ApiError } from "../api-error.js";
import type { CancelOperationRequest, GetOperationRequest } from "../gen/yandex/cloud/operation/operation_service_pb.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import type { OperationRecord } from "../store/index.js";
import { requireOwner, type Caller } from "./auth.js";
import { operationMessage } from "./convert.js";
import { requiredId, throwIfProblems } from "./request-validation.js";
import type { ServiceDeps } from "./service-deps.js";
import type { CallContext } from "./unary.js";

async function visibleOperation(deps: ServiceDeps, caller: Caller, operationId: string): Promise<OperationRecord> {
  throwIfProblems(requiredId(operationId, "operation_id"));
  const record = await deps.store.getOperation(operationId);
  if (!record) throw ApiError.notFound(`operation ${operationId} not found`);
  requireOwner(caller, record.ownerAccountId, `operation ${operationId}`);
  return record;
}

/**
 * OperationService logic. Get returns the operation as it is now (a delayed one past its
 * due time completes first); Cancel ends a running one with CANCELLED and is
 * FAILED_PRECONDITION for a done one.
 */
export function createOperationService(deps: ServiceDeps) {
  return {
    async get(request: GetOperationRequest, context: CallContext): Promise<Operation> {
      const record = await visibleOperation(deps, context.caller, request.operationId);
      return operationMessage(await deps.operations.refresh(record));
    },
    async cancel(request: CancelOperationRequest, context: CallContext): Promise<Operation> {
      const record = await visibleOperation(deps, context.caller, request.operationId);
      return operationMessage(await deps.operations.cancel(record));
    },
  };
}
