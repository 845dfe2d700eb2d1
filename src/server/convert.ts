import { create, fromBinary } from "@bufbuild/protobuf";
import { AnySchema, timestampFromMs, TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { ApiKeySchema, type ApiKey } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import { ServiceAccountSchema, ServiceAccount_Status, type ServiceAccount } from "../gen/yandex/cloud/iam/v1/service_account_pb.js";
import { OperationSchema, type Operation } from "../gen/yandex/cloud/operation/operation_pb.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { ApiKeyRecord, Instant, OperationRecord, ServiceAccountRecord } from "../store/index.js";

/** Conversions from store records to the wire messages. */

function timestampOf(instant: Instant): Timestamp {
  return create(TimestampSchema, { seconds: BigInt(instant.seconds), nanos: instant.nanos });
}

export function apiKeyMessage(record: ApiKeyRecord): ApiKey {
  return create(ApiKeySchema, {
    id: record.id,
    serviceAccountId: record.serviceAccountId,
    createdAt: timestampFromMs(record.createdAtMs),
    description: record.description,
    lastUsedAt: record.lastUsedAtMs === null ? undefined : timestampFromMs(record.lastUsedAtMs),
    scope: record.scope,
    expiresAt: record.expiresAt ? timestampOf(record.expiresAt) : undefined,
    scopes: [...record.scopes],
    maskedSecret: record.maskedSecret,
  });
}

export function serviceAccountMessage(record: ServiceAccountRecord): ServiceAccount {
  return create(ServiceAccountSchema, {
    id: record.id,
    folderId: record.folderId,
    createdAt: timestampFromMs(record.createdAtMs),
    name: record.name,
    description: record.description,
    labels: { ...record.labels },
    status: ServiceAccount_Status.ACTIVE,
    expiresAt: record.expiresAt ? timestampOf(record.expiresAt) : undefined,
  });
}

export function operationMessage(record: OperationRecord): Operation {
  let result: Operation["result"] = { case: undefined };
  if (record.result && "response" in record.result) result = { case: "response", value: fromBinary(AnySchema, record.result.response) };
  else if (record.result && "error" in record.result) result = { case: "error", value: fromBinary(StatusSchema, record.result.error) };
  return create(OperationSchema, {
    id: record.id,
    description: record.description,
    createdAt: timestampFromMs(record.createdAtMs),
    createdBy: record.createdBy,
    modifiedAt: timestampFromMs(record.modifiedAtMs),
    done: record.done,
    metadata: fromBinary(AnySchema, record.metadata),
    result,
  });
}
