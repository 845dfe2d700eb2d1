import { create, toBinary } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { ApiError, Code } from "../api-error.js";
import { ServiceAccountSchema, type ServiceAccount } from "../gen/yandex/cloud/iam/v1/service_account_pb.js";
import {
  CreateServiceAccountMetadataSchema,
  CreateServiceAccountRequestSchema,
  DeleteServiceAccountMetadataSchema,
  DeleteServiceAccountRequestSchema,
  ListServiceAccountsResponseSchema,
  type CreateServiceAccountRequest,
  type DeleteServiceAccountRequest,
  type GetServiceAccountRequest,
  type ListServiceAccountsRequest,
  type ListServiceAccountsResponse,
} from "../gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import { LIMITS, characterLength, type Problem } from "../resource/index.js";
import type { ServiceAccountRecord } from "../store/index.js";
import { requireAdmin } from "./auth.js";
import { operationMessage, serviceAccountMessage } from "./convert.js";
import { newResourceId } from "./credentials-format.js";
import { idempotent, type RecordFactory } from "./idempotency.js";
import { expiresAtProblems, instantOf, requiredId, text256, throwIfProblems } from "./request-validation.js";
import { anyBytes, pageRequest, replayOperation, type ServiceDeps } from "./service-deps.js";
import type { CallContext } from "./unary.js";

/** Prefix of service account ids, as in the public cloud. */
export const SERVICE_ACCOUNT_ID_PREFIX = "aje";

const NAME_FILTER = /^\s*name\s*=\s*"([^"]*)"\s*$/;

/** `filter` of List: empty, or `name="<name>"` (the only filter this server supports). */
export function parseServiceAccountFilter(filter: string): string | undefined {
  if (characterLength(filter) > LIMITS.filterMaxLength) {
    throw ApiError.invalidArgument("filter", `must be at most ${LIMITS.filterMaxLength} characters`);
  }
  if (filter.trim() === "") return undefined;
  const match = NAME_FILTER.exec(filter);
  if (!match) throw ApiError.invalidArgument("filter", 'only name="<name>" is supported');
  return match[1];
}

function nameProblems(name: string): Problem[] {
  if (name === "") return [{ path: "name", message: "is required" }];
  if (!LIMITS.serviceAccountNamePattern.test(name)) {
    return [{ path: "name", message: "must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lowercase letters, digits and hyphens, 1-63 characters)" }];
  }
  return [];
}

function labelProblems(labels: Record<string, string>): Problem[] {
  const count = Object.keys(labels).length;
  return count > LIMITS.labelsMaxCount ? [{ path: "labels", message: `must have at most ${LIMITS.labelsMaxCount} entries (got ${count})` }] : [];
}

function createWork(payload: Uint8Array) {
  const account = JSON.parse(Buffer.from(payload).toString("utf8")) as ServiceAccountRecord;
  return {
    mutation: { kind: "createServiceAccount" as const, account },
    respond: () => anyBytes(ServiceAccountSchema, serviceAccountMessage(account)),
  };
}

function deleteWork(payload: Uint8Array) {
  const id = Buffer.from(payload).toString("utf8");
  return { mutation: { kind: "deleteServiceAccount" as const, id }, respond: () => anyBytes(EmptySchema, create(EmptySchema)) };
}

/** ServiceAccountService logic (Get, List, Create, Delete); every method is admin only. */
export function createServiceAccountService(deps: ServiceDeps) {
  deps.operations.register("createServiceAccount", createWork);
  deps.operations.register("deleteServiceAccount", deleteWork);

  const operationReplay = replayOperation(deps);

  return {
    async get(request: GetServiceAccountRequest, context: CallContext): Promise<ServiceAccount> {
      requireAdmin(context.caller);
      throwIfProblems(requiredId(request.serviceAccountId, "service_account_id"));
      const account = await deps.store.getServiceAccount(request.serviceAccountId);
      if (!account) throw ApiError.notFound(`service account ${request.serviceAccountId} not found`);
      return serviceAccountMessage(account);
    },

    async list(request: ListServiceAccountsRequest, context: CallContext): Promise<ListServiceAccountsResponse> {
      requireAdmin(context.caller);
      throwIfProblems(requiredId(request.folderId, "folder_id"));
      const name = parseServiceAccountFilter(request.filter);
      const scope = `ServiceAccountService/List:${request.folderId}:${name ?? ""}`;
      const page = pageRequest(deps.keys, scope, request.pageSize, request.pageToken);
      const result = await deps.store.listServiceAccounts(request.folderId, name, page);
      return create(ListServiceAccountsResponseSchema, {
        serviceAccounts: result.items.map(serviceAccountMessage),
        nextPageToken: page.nextToken(result.nextAfterSeq),
      });
    },

    async create(request: CreateServiceAccountRequest, context: CallContext): Promise<Operation> {
      requireAdmin(context.caller);
      throwIfProblems([
        ...requiredId(request.folderId, "folder_id"),
        ...nameProblems(request.name),
        ...text256(request.description, "description"),
        ...labelProblems(request.labels),
        ...expiresAtProblems(request.expiresAt),
      ]);
      const run = async (makeRecord: RecordFactory | undefined): Promise<Operation> => {
        const existing = await deps.store.listServiceAccounts(request.folderId, request.name, { afterSeq: 0, limit: 1 });
        if (existing.items.length > 0) {
          throw new ApiError(Code.ALREADY_EXISTS, `name: a service account named "${request.name}" already exists in folder ${request.folderId}`);
        }
        const account: ServiceAccountRecord = {
          id: newResourceId(SERVICE_ACCOUNT_ID_PREFIX),
          folderId: request.folderId,
          name: request.name,
          description: request.description,
          labels: { ...request.labels },
          createdAtMs: deps.now(),
          expiresAt: instantOf(request.expiresAt),
        };
        const record = await deps.operations.start({
          resourceId: account.id,
          ownerAccountId: account.id,
          description: "Create service account",
          createdBy: context.caller.id,
          metadata: anyBytes(CreateServiceAccountMetadataSchema, create(CreateServiceAccountMetadataSchema, { serviceAccountId: account.id })),
          kind: "createServiceAccount",
          payload: Buffer.from(JSON.stringify(account), "utf8"),
          idempotency: makeRecord,
        });
        return operationMessage(record);
      };
      const requestBytes = toBinary(CreateServiceAccountRequestSchema, request);
      return idempotent(deps.store, context, { requestBytes, replay: operationReplay, run }, deps.now);
    },

    async delete(request: DeleteServiceAccountRequest, context: CallContext): Promise<Operation> {
      requireAdmin(context.caller);
      throwIfProblems(requiredId(request.serviceAccountId, "service_account_id"));
      const run = async (makeRecord: RecordFactory | undefined): Promise<Operation> => {
        if (!(await deps.store.getServiceAccount(request.serviceAccountId))) {
          throw ApiError.notFound(`service account ${request.serviceAccountId} not found`);
        }
        const record = await deps.operations.start({
          resourceId: request.serviceAccountId,
          ownerAccountId: request.serviceAccountId,
          description: "Delete service account",
          createdBy: context.caller.id,
          metadata: anyBytes(DeleteServiceAccountMetadataSchema, create(DeleteServiceAccountMetadataSchema, { serviceAccountId: request.serviceAccountId })),
          kind: "deleteServiceAccount",
          payload: Buffer.from(request.serviceAccountId, "utf8"),
          idempotency: makeRecord,
        });
        return operationMessage(record);
      };
      const requestBytes = toBinary(DeleteServiceAccountRequestSchema, request);
      return idempotent(deps.store, context, { requestBytes, replay: operationReplay, run }, deps.now);
    },
  };
}
