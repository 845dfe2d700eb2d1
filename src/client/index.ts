import { ApiKeySchema } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import { ApiKeyService } from "../gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountSchema } from "../gen/yandex/cloud/iam/v1/service_account_pb.js";
import { ServiceAccountService } from "../gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import { OperationService } from "../gen/yandex/cloud/operation/operation_service_pb.js";
import { allPages, pageSizeOf } from "./pages.js";
import { operationResponse, waitUntilDone } from "./operations.js";
import { newIdempotencyKey, openTransport } from "./transport.js";
import type { ApiKeyClient, CallOptions, ClientOptions } from "./types.js";

export * from "./types.js";
export { operationResponse } from "./operations.js";

const DEFAULT_OPERATION_TIMEOUT_MS = 300_000;

/**
 * Creates the typed client of ApiKeyService, OperationService and ServiceAccountService over
 * one lazy grpc-js channel (nothing connects until the first call). It speaks the public
 * protocol unchanged, so `{ endpoint: "iam.api.cloud.yandex.net:443", tls: {} }` talks to the
 * cloud. Every method rejects with an ApiError carrying the gRPC code; mutating methods send
 * one idempotency key on every attempt of a logical call, so the client's retries never
 * create twice.
 * @throws ApiError INVALID_ARGUMENT when `options.endpoint` is not `host:port` or `unix:/path`,
 *   or when `tls: false` would send a credential in plaintext to an endpoint that is not loopback.
 */
export function createClient(options: ClientOptions): ApiKeyClient {
  const transport = openTransport(options);
  const operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const keyFor = (callOptions: CallOptions | undefined): string => callOptions?.idempotencyKey ?? newIdempotencyKey();

  const getOperation = (operationId: string, giveUpAt?: number) =>
    transport.unary(OperationService, "get", { operationId }, { giveUpAt });
  const waitForOperation: ApiKeyClient["waitForOperation"] = (operation, waitOptions) =>
    waitUntilDone(operation, getOperation, waitOptions?.timeoutMs ?? operationTimeoutMs);

  return {
    listApiKeys(serviceAccountId, listOptions) {
      return allPages(async (pageToken) => {
        const page = await transport.unary(ApiKeyService, "list", { serviceAccountId, pageSize: pageSizeOf(listOptions?.pageSize), pageToken });
        return { items: page.apiKeys, nextPageToken: page.nextPageToken };
      });
    },

    getApiKey(apiKeyId) {
      return transport.unary(ApiKeyService, "get", { apiKeyId });
    },

    createApiKey(request, callOptions) {
      return transport.unary(ApiKeyService, "create", request, { idempotencyKey: keyFor(callOptions) });
    },

    async updateApiKey(request, callOptions) {
      const operation = await transport.unary(ApiKeyService, "update", request, { idempotencyKey: keyFor(callOptions) });
      return operationResponse(await waitForOperation(operation), ApiKeySchema);
    },

    async deleteApiKey(apiKeyId, callOptions) {
      const operation = await transport.unary(ApiKeyService, "delete", { apiKeyId }, { idempotencyKey: keyFor(callOptions) });
      await waitForOperation(operation);
    },

    listApiKeyOperations(apiKeyId, listOptions) {
      return allPages(async (pageToken) => {
        const page = await transport.unary(ApiKeyService, "listOperations", { apiKeyId, pageSize: pageSizeOf(listOptions?.pageSize), pageToken });
        return { items: page.operations, nextPageToken: page.nextPageToken };
      });
    },

    waitForOperation,

    getOperation(operationId) {
      return getOperation(operationId);
    },

    cancelOperation(operationId) {
      return transport.unary(OperationService, "cancel", { operationId });
    },

    async createServiceAccount(request, callOptions) {
      const operation = await transport.unary(ServiceAccountService, "create", request, { idempotencyKey: keyFor(callOptions) });
      return operationResponse(await waitForOperation(operation), ServiceAccountSchema);
    },

    getServiceAccount(serviceAccountId) {
      return transport.unary(ServiceAccountService, "get", { serviceAccountId });
    },

    listServiceAccounts(folderId, listOptions) {
      const filter = listOptions?.filter ?? "";
      return allPages(async (pageToken) => {
        const page = await transport.unary(ServiceAccountService, "list", { folderId, pageSize: pageSizeOf(listOptions?.pageSize), pageToken, filter });
        return { items: page.serviceAccounts, nextPageToken: page.nextPageToken };
      });
    },

    async deleteServiceAccount(serviceAccountId, callOptions) {
      const operation = await transport.unary(ServiceAccountService, "delete", { serviceAccountId }, { idempotencyKey: keyFor(callOptions) });
      await waitForOperation(operation);
    },

    rpcCounts: transport.rpcCounts,

    close() {
      transport.close();
    },
  };
}
