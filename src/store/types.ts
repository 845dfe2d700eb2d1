/**
 * The storage contract of the API server. Methods are async so that a PostgreSQL
 * implementation can fill the same interface; the SQLite one (sqlite.ts) answers
 * synchronously under the hood. Every failure is an `ApiError` (mapped at the boundary
 * where the driver error occurs), except `IdempotencyConflictError`, which the server uses to
 * replay a concurrent twin request.
 */

/** A protobuf Timestamp as stored: seconds since the epoch plus nanoseconds, kept exactly. */
export interface Instant {
  readonly seconds: number;
  readonly nanos: number;
}

export interface ServiceAccountRecord {
  readonly id: string;
  readonly folderId: string;
  readonly name: string;
  readonly description: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAtMs: number;
  readonly expiresAt: Instant | null;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly serviceAccountId: string;
  readonly createdAtMs: number;
  readonly description: string;
  /** The deprecated single `scope` field: accepted, stored and echoed. */
  readonly scope: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Instant | null;
  readonly lastUsedAtMs: number | null;
  readonly maskedSecret: string;
}

/** Work an operation still has to do when it completes later (the encoded request). */
export interface PendingWork {
  readonly kind: string;
  readonly payload: Uint8Array;
}

export interface OperationRecord {
  readonly id: string;
  /** The API key or service account the operation acts on (ListOperations filters by it). */
  readonly resourceId: string;
  /** Service account that owns the resource: a service-account caller may read only its own. */
  readonly ownerAccountId: string;
  readonly description: string;
  readonly createdAtMs: number;
  readonly createdBy: string;
  readonly modifiedAtMs: number;
  readonly done: boolean;
  /** Encoded google.protobuf.Any. */
  readonly metadata: Uint8Array;
  /** Encoded google.protobuf.Any (response) or google.rpc.Status (error); null while running. */
  readonly result: { readonly response: Uint8Array } | { readonly error: Uint8Array } | null;
  /** When a delayed operation is due to complete (ms since the epoch); null when synchronous. */
  readonly dueAtMs: number | null;
  readonly pending: PendingWork | null;
}

export interface IdempotencyRecord {
  /** "admin" or the calling service account id: keys are scoped per caller. */
  readonly caller: string;
  /** Full method name, e.g. `yandex.cloud.iam.v1.ApiKeyService/Create`. */
  readonly method: string;
  readonly key: string;
  /** SHA-256 hex of the encoded request. */
  readonly fingerprint: string;
  /** What to replay; for Create it is encrypted by the server before it gets here. */
  readonly response: Uint8Array;
  readonly createdAtMs: number;
}

export interface ApiKeyPatch {
  readonly description?: string;
  readonly scopes?: readonly string[];
  readonly expiresAt?: Instant | null;
}

/** One change to the resources, applied inside a `commit` transaction. */
export type Mutation =
  | { readonly kind: "createApiKey"; readonly key: ApiKeyRecord; readonly secretDigest: string }
  | { readonly kind: "updateApiKey"; readonly id: string; readonly patch: ApiKeyPatch }
  | { readonly kind: "deleteApiKey"; readonly id: string }
  | { readonly kind: "createServiceAccount"; readonly account: ServiceAccountRecord }
  | { readonly kind: "deleteServiceAccount"; readonly id: string };

/** The resource a mutation produced (the state after an update). */
export interface MutationResult {
  readonly apiKey?: ApiKeyRecord;
  readonly serviceAccount?: ServiceAccountRecord;
}

export type OperationOutcome =
  | { readonly error: Uint8Array }
  | { readonly response: (result: MutationResult) => Uint8Array };

/**
 * Everything one request writes, committed atomically in this order: insert the operation;
 * check that the operation to complete is still running (else nothing is written and
 * `completed` is false); apply the mutation; mark the operation done with its outcome;
 * insert the idempotency record.
 */
export interface StoreWrite {
  readonly insertOperation?: OperationRecord;
  readonly mutation?: Mutation;
  readonly completeOperation?: { readonly id: string; readonly modifiedAtMs: number; readonly outcome: OperationOutcome };
  readonly idempotency?: IdempotencyRecord;
}

export interface CommitResult {
  readonly completed: boolean;
  readonly result: MutationResult;
}

/** One page of a keyset-paginated listing: items after `afterSeq`, and the cursor for more. */
export interface Page<T> {
  readonly items: readonly T[];
  /** The cursor to continue from, or undefined on the last page. */
  readonly nextAfterSeq: number | undefined;
}

export interface PageQuery {
  /** Cursor from the previous page (0 = start). */
  readonly afterSeq: number;
  readonly limit: number;
}

/** Thrown by `commit` when an idempotency record with the same (caller, method, key) exists. */
export class IdempotencyConflictError extends Error {
  constructor() {
    super("idempotency record already exists");
    this.name = "IdempotencyConflictError";
  }
}

export interface Store {
  getServiceAccount(id: string): Promise<ServiceAccountRecord | undefined>;
  /** Accounts of one folder in creation order; `name` filters exactly when given. */
  listServiceAccounts(folderId: string, name: string | undefined, page: PageQuery): Promise<Page<ServiceAccountRecord>>;

  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** The key whose secret has this SHA-256 hex digest. */
  getApiKeyBySecretDigest(digest: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(serviceAccountId: string, page: PageQuery): Promise<Page<ApiKeyRecord>>;
  /** Records a successful authentication; never moves last_used_at backwards. */
  touchApiKey(id: string, atMs: number): Promise<void>;

  getOperation(id: string): Promise<OperationRecord | undefined>;
  listOperations(resourceId: string, page: PageQuery): Promise<Page<OperationRecord>>;
  /** Operations not done yet (delayed ones), so a restarted server can finish them. */
  listRunningOperations(): Promise<OperationRecord[]>;

  getIdempotencyRecord(caller: string, method: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Deletes idempotency records created before `beforeMs` (stored Create secrets with them). */
  purgeIdempotencyRecords(beforeMs: number): Promise<number>;

  /** Applies one request's writes atomically; see StoreWrite for the order and semantics. */
  commit(write: StoreWrite): Promise<CommitResult>;
  close(): Promise<void>;
}
