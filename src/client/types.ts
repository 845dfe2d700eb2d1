import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ApiKey } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import type {
  CreateApiKeyRequestSchema,
  CreateApiKeyResponse,
  UpdateApiKeyRequestSchema,
} from "../gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import type { ServiceAccount } from "../gen/yandex/cloud/iam/v1/service_account_pb.js";
import type { CreateServiceAccountRequestSchema } from "../gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import type { Operation } from "../gen/yandex/cloud/operation/operation_pb.js";

/**
 * The contract of the one typed client every layer above uses (reconciler, provider, CLI).
 * Every failure is an `ApiError` (src/api-error.ts) carrying the gRPC code; a failed
 * Operation becomes an ApiError with the operation's status code and message.
 */

/** How the client authenticates: `authorization: Bearer <token>` or `Api-Key <secret>`. */
export type Credentials =
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "api-key"; readonly secret: string }
  | { readonly kind: "none" };

export interface ClientOptions {
  /** `host:port`, or `unix:/path` for a Unix socket. */
  readonly endpoint: string;
  readonly credentials: Credentials;
  /** Plaintext when false (with a credential: loopback endpoints only); TLS otherwise (with `caPem`, or the system roots). */
  readonly tls: false | { readonly caPem?: Buffer };
  /** Attempts for UNAVAILABLE / DEADLINE_EXCEEDED, including the first. Default 5. */
  readonly maxAttempts?: number;
  /** First retry backoff in ms, doubled each time with jitter. Default 100. */
  readonly initialBackoffMs?: number;
  /** Per-call deadline in ms. Default 30 000. */
  readonly callTimeoutMs?: number;
  /** How long waiting for an Operation may take, in ms. Default 300 000. */
  readonly operationTimeoutMs?: number;
}

export interface CallOptions {
  /**
   * Sent as `idempotency-key` metadata on Create/Update/Delete. When absent the client
   * generates one per logical call, so its own retries are safe; pass one to make retries
   * across processes (a crashed apply) safe too.
   */
  readonly idempotencyKey?: string;
}

export type CreateApiKeyInput = MessageInitShape<typeof CreateApiKeyRequestSchema>;
export type UpdateApiKeyInput = MessageInitShape<typeof UpdateApiKeyRequestSchema>;
export type CreateServiceAccountInput = MessageInitShape<typeof CreateServiceAccountRequestSchema>;

export interface ApiKeyClient {
  /** Every key of one account, all pages (page_size default 1000). Empty id = the caller. */
  listApiKeys(serviceAccountId: string, options?: { pageSize?: number }): AsyncIterable<ApiKey>;
  getApiKey(apiKeyId: string): Promise<ApiKey>;
  /** Returns the key and its secret (the only time the secret is seen). */
  createApiKey(request: CreateApiKeyInput, options?: CallOptions): Promise<CreateApiKeyResponse>;
  /** Sends Update and waits for the Operation; returns the updated key. */
  updateApiKey(request: UpdateApiKeyInput, options?: CallOptions): Promise<ApiKey>;
  /** Sends Delete and waits for the Operation. */
  deleteApiKey(apiKeyId: string, options?: CallOptions): Promise<void>;
  listApiKeyOperations(apiKeyId: string, options?: { pageSize?: number }): AsyncIterable<Operation>;

  /** Polls OperationService.Get with backoff until done or the deadline; throws its error. */
  waitForOperation(operation: Operation, options?: { timeoutMs?: number }): Promise<Operation>;
  getOperation(operationId: string): Promise<Operation>;
  cancelOperation(operationId: string): Promise<Operation>;

  createServiceAccount(request: CreateServiceAccountInput, options?: CallOptions): Promise<ServiceAccount>;
  getServiceAccount(serviceAccountId: string): Promise<ServiceAccount>;
  listServiceAccounts(folderId: string, options?: { pageSize?: number; filter?: string }): AsyncIterable<ServiceAccount>;
  deleteServiceAccount(serviceAccountId: string, options?: CallOptions): Promise<void>;

  /** RPCs sent so far, by full method name (`ApiKeyService/List`), retries included. */
  readonly rpcCounts: ReadonlyMap<string, number>;
  close(): void;
}

export type { ApiKey, CreateApiKeyResponse, Operation, ServiceAccount };
