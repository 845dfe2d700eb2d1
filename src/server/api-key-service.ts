import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema, EmptySchema } from "@bufbuild/protobuf/wkt";
import { ApiError } from "../api-error.js";
import type { ApiKey } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import {
  CreateApiKeyResponseSchema,
  CreateApiKeyRequestSchema,
  DeleteApiKeyMetadataSchema,
  ListApiKeyOperationsResponseSchema,
  ListApiKeyScopesResponseSchema,
  ListApiKeysResponseSchema,
  UpdateApiKeyMetadataSchema,
  UpdateApiKeyRequestSchema,
  DeleteApiKeyRequestSchema,
  type CreateApiKeyRequest,
  type CreateApiKeyResponse,
  type DeleteApiKeyRequest,
  type GetApiKeyRequest,
  type ListApiKeyOperationsRequest,
  type ListApiKeyOperationsResponse,
  type ListApiKeyScopesRequest,
  type ListApiKeyScopesResponse,
  type ListApiKeysRequest,
  type ListApiKeysResponse,
  type UpdateApiKeyRequest,
} from "../gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ApiKeySchema } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import type { ApiKeyRecord } from "../store/index.js";
import { actingAccount, requireOwner, type Caller } from "./auth.js";
import { apiKeyMessage, operationMessage } from "./convert.js";
import { maskSecret, newApiKeySecret, newResourceId, sha256Hex } from "./credentials-format.js";
import { idempotent } from "./idempotency.js";
import {
  deprecatedScope,
  expiresAtProblems,
  instantOf,
  optionalId,
  requiredId,
  scopeList,
  text256,
  throwIfProblems,
} from "./request-validation.js";
import { anyBytes, pageRequest, replayOperation, type ServiceDeps } from "./service-deps.js";
import type { CallContext } from "./unary.js";
import { patchForMask, resolveUpdateMask } from "./update-mask.js";
import { API_KEY_SCOPES } from "./scopes.js";

/** Prefix of API key ids, as in the public cloud. */
export const API_KEY_ID_PREFIX = "aje";

async function ownedKey(deps: ServiceDeps, caller: Caller, apiKeyId: string): Promise<ApiKeyRecord> {
  throwIfProblems(requiredId(apiKeyId, "api_key_id"));
  const key = await deps.store.getApiKey(apiKeyId);
  if (!key) throw ApiError.notFound(`api key ${apiKeyId} not found`);
  requireOwner(caller, key.serviceAccountId, `api key ${apiKeyId}`);
  return key;
}

const API_KEY_OPERATION_TYPE_URLS = [UpdateApiKeyMetadataSchema, DeleteApiKeyMetadataSchema].map((schema) => `type.googleapis.com/${schema.typeName}`);

/**
 * Checks that the caller may list the operations of `apiKeyId`: they belong to the key's
 * account while the key exists and, once it is deleted, to the account that owned it as
 * recorded on its operations (so the Delete's Operation can still be listed). NOT_FOUND when
 * neither the key nor any API key operation on that id exists; PERMISSION_DENIED for another
 * account's key, as for Get.
 */
async function requireOperationsVisible(deps: ServiceDeps, caller: Caller, apiKeyId: string): Promise<void> {
  throwIfProblems(requiredId(apiKeyId, "api_key_id"));
  const key = await deps.store.getApiKey(apiKeyId);
  let owner = key?.serviceAccountId;
  if (!key) {
    const first = (await deps.store.listOperations(apiKeyId, { afterSeq: 0, limit: 1 })).items[0];
    // Service accounts' operations share the resource_id column: only an API key's count.
    if (first && API_KEY_OPERATION_TYPE_URLS.includes(fromBinary(AnySchema, first.metadata).typeUrl)) owner = first.ownerAccountId;
  }
  if (owner === undefined) throw ApiError.notFound(`api key ${apiKeyId} not found`);
  requireOwner(caller, owner, `api key ${apiKeyId}`);
}

async function existingAccount(deps: ServiceDeps, serviceAccountId: string): Promise<void> {
  if (!(await deps.store.getServiceAccount(serviceAccountId))) {
    throw ApiError.notFound(`service account ${serviceAccountId} not found`);
  }
}

function updateWork(payload: Uint8Array) {
  const request = fromBinary(UpdateApiKeyRequestSchema, payload);
  const paths = resolveUpdateMask(request.updateMask?.paths);
  const patch = patchForMask(paths, { description: request.description, scopes: request.scopes, expiresAt: instantOf(request.expiresAt) });
  return {
    mutation: { kind: "updateApiKey" as const, id: request.apiKeyId, patch },
    respond: (result: { apiKey?: ApiKeyRecord }) => {
      if (!result.apiKey) throw new Error("update produced no key");
      return anyBytes(ApiKeySchema, apiKeyMessage(result.apiKey));
    },
  };
}

function deleteWork(payload: Uint8Array) {
  const request = fromBinary(DeleteApiKeyRequestSchema, payload);
  return {
    mutation: { kind: "deleteApiKey" as const, id: request.apiKeyId },
    respond: () => anyBytes(EmptySchema, create(EmptySchema)),
  };
}

/**
 * The ApiKeyService logic: plain async functions over request messages, keyed by the
 * protobuf-es method names. Throws ApiError; never sees grpc-js objects.
 */
export function createApiKeyService(deps: ServiceDeps) {
  deps.operations.register("updateApiKey", updateWork);
  deps.operations.register("deleteApiKey", deleteWork);

  const operationReplay = replayOperation(deps);

  /**
   * Starts an Update or Delete operation on a key, honouring idempotency-key. The key check
   * runs inside `run`, so a replay answers with the original operation even after the key is gone.
   */
  const keyOperation = (
    context: CallContext,
    apiKeyId: string,
    payload: Uint8Array,
    spec: { kind: string; description: string; metadata: (apiKeyId: string) => Uint8Array },
  ): Promise<Operation> =>
    idempotent(
      deps.store,
      context,
      {
        requestBytes: payload,
        replay: operationReplay,
        run: async (makeRecord) => {
          const key = await ownedKey(deps, context.caller, apiKeyId);
          const record = await deps.operations.start({
            resourceId: key.id,
            ownerAccountId: key.serviceAccountId,
            description: spec.description,
            createdBy: context.caller.id,
            metadata: spec.metadata(key.id),
            kind: spec.kind,
            payload,
            idempotency: makeRecord,
          });
          return operationMessage(record);
        },
      },
      deps.now,
    );

  return {
    async get(request: GetApiKeyRequest, context: CallContext): Promise<ApiKey> {
      return apiKeyMessage(await ownedKey(deps, context.caller, request.apiKeyId));
    },

    async list(request: ListApiKeysRequest, context: CallContext): Promise<ListApiKeysResponse> {
      throwIfProblems(optionalId(request.serviceAccountId, "service_account_id"));
      const accountId = actingAccount(context.caller, request.serviceAccountId);
      const page = pageRequest(deps.keys, `ApiKeyService/List:${accountId}`, request.pageSize, request.pageToken);
      if (page.afterSeq === 0) await existingAccount(deps, accountId);
      const result = await deps.store.listApiKeys(accountId, page);
      return create(ListApiKeysResponseSchema, {
        apiKeys: result.items.map(apiKeyMessage),
        nextPageToken: page.nextToken(result.nextAfterSeq),
      });
    },

    async create(request: CreateApiKeyRequest, context: CallContext): Promise<CreateApiKeyResponse> {
      throwIfProblems([
        ...optionalId(request.serviceAccountId, "service_account_id"),
        ...text256(request.description, "description"),
        ...deprecatedScope(request.scope),
        ...scopeList(request.scopes, "scopes"),
        ...expiresAtProblems(request.expiresAt),
      ]);
      const accountId = actingAccount(context.caller, request.serviceAccountId);
      return idempotent(
        deps.store,
        context,
        {
          requestBytes: toBinary(CreateApiKeyRequestSchema, request),
          replay: async (stored) => fromBinary(CreateApiKeyResponseSchema, deps.keys.open(stored)),
          run: async (makeRecord) => {
            const secret = newApiKeySecret();
            const key: ApiKeyRecord = {
              id: newResourceId(API_KEY_ID_PREFIX),
              serviceAccountId: accountId,
              createdAtMs: deps.now(),
              description: request.description,
              scope: request.scope,
              scopes: [...request.scopes],
              expiresAt: instantOf(request.expiresAt),
              lastUsedAtMs: null,
              maskedSecret: maskSecret(secret),
            };
            const response = create(CreateApiKeyResponseSchema, { apiKey: apiKeyMessage(key), secret });
            // The replay copy holds the secret, so it is stored only encrypted (AES-256-GCM).
            const idempotency = makeRecord?.(deps.keys.seal(toBinary(CreateApiKeyResponseSchema, response)));
            await deps.store.commit({ mutation: { kind: "createApiKey", key, secretDigest: sha256Hex(secret) }, idempotency });
            return response;
          },
        },
        deps.now,
      );
    },

    async update(request: UpdateApiKeyRequest, context: CallContext): Promise<Operation> {
      const paths = resolveUpdateMask(request.updateMask?.paths);
      const maskAbsent = (request.updateMask?.paths.length ?? 0) === 0;
      throwIfProblems([
        ...requiredId(request.apiKeyId, "api_key_id"),
        ...text256(request.description, "description"),
        ...scopeList(request.scopes, "scopes", maskAbsent ? "absent-mask" : paths.includes("scopes") ? "mask" : undefined),
        ...expiresAtProblems(request.expiresAt),
      ]);
      return keyOperation(context, request.apiKeyId, toBinary(UpdateApiKeyRequestSchema, request), {
        kind: "updateApiKey",
        description: "Update API key",
        metadata: (apiKeyId) => anyBytes(UpdateApiKeyMetadataSchema, create(UpdateApiKeyMetadataSchema, { apiKeyId })),
      });
    },

    async delete(request: DeleteApiKeyRequest, context: CallContext): Promise<Operation> {
      return keyOperation(context, request.apiKeyId, toBinary(DeleteApiKeyRequestSchema, request), {
        kind: "deleteApiKey",
        description: "Delete API key",
        metadata: (apiKeyId) => anyBytes(DeleteApiKeyMetadataSchema, create(DeleteApiKeyMetadataSchema, { apiKeyId })),
      });
    },

    async listOperations(request: ListApiKeyOperationsRequest, context: CallContext): Promise<ListApiKeyOperationsResponse> {
      await requireOperationsVisible(deps, context.caller, request.apiKeyId);
      const page = pageRequest(deps.keys, `ApiKeyService/ListOperations:${request.apiKeyId}`, request.pageSize, request.pageToken);
      const result = await deps.store.listOperations(request.apiKeyId, page);
      const operations = await Promise.all(result.items.map(async (record) => operationMessage(await deps.operations.refresh(record))));
      return create(ListApiKeyOperationsResponseSchema, { operations, nextPageToken: page.nextToken(result.nextAfterSeq) });
    },

    async listScopes(request: ListApiKeyScopesRequest): Promise<ListApiKeyScopesResponse> {
      // The cursor is an offset into the fixed list: the list never changes while the server runs.
      const page = pageRequest(deps.keys, "ApiKeyService/ListScopes", request.pageSize, request.pageToken);
      const end = page.afterSeq + page.limit;
      return create(ListApiKeyScopesResponseSchema, {
        scopes: API_KEY_SCOPES.slice(page.afterSeq, end),
        nextPageToken: page.nextToken(end < API_KEY_SCOPES.length ? end : undefined),
      });
    },
  };
}

export type ApiKeyServiceLogic = ReturnType<typeof createApiKeyService>;
