import type { ApiKeyRecord, Instant, OperationRecord, ServiceAccountRecord } from "./types.js";

/** Row shapes of the SQLite tables and their conversion to store records. */

export interface ServiceAccountRow {
  seq: number;
  id: string;
  folder_id: string;
  name: string;
  description: string;
  labels: string;
  created_at_ms: number;
  expires_s: number | null;
  expires_ns: number | null;
}

export interface ApiKeyRow {
  seq: number;
  id: string;
  service_account_id: string;
  masked_secret: string;
  description: string;
  scope: string;
  scopes: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
  expires_s: number | null;
  expires_ns: number | null;
}

export interface OperationRow {
  seq: number;
  id: string;
  resource_id: string;
  owner_account_id: string;
  description: string;
  created_at_ms: number;
  created_by: string;
  modified_at_ms: number;
  done: number;
  metadata: Buffer;
  response: Buffer | null;
  error: Buffer | null;
  due_at_ms: number | null;
  pending_kind: string | null;
  pending_payload: Buffer | null;
}

function instantOf(seconds: number | null, nanos: number | null): Instant | null {
  return seconds === null ? null : { seconds, nanos: nanos ?? 0 };
}

export function serviceAccountFromRow(row: ServiceAccountRow): ServiceAccountRecord {
  return {
    id: row.id,
    folderId: row.folder_id,
    name: row.name,
    description: row.description,
    labels: JSON.parse(row.labels) as Record<string, string>,
    createdAtMs: row.created_at_ms,
    expiresAt: instantOf(row.expires_s, row.expires_ns),
  };
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    serviceAccountId: row.service_account_id,
    createdAtMs: row.created_at_ms,
    description: row.description,
    scope: row.scope,
    scopes: JSON.parse(row.scopes) as string[],
    expiresAt: instantOf(row.expires_s, row.expires_ns),
    lastUsedAtMs: row.last_used_at_ms,
    maskedSecret: row.masked_secret,
  };
}

export function operationFromRow(row: OperationRow): OperationRecord {
  let result: OperationRecord["result"] = null;
  if (row.error !== null) result = { error: row.error };
  else if (row.response !== null) result = { response: row.response };
  return {
    id: row.id,
    resourceId: row.resource_id,
    ownerAccountId: row.owner_account_id,
    description: row.description,
    createdAtMs: row.created_at_ms,
    createdBy: row.created_by,
    modifiedAtMs: row.modified_at_ms,
    done: row.done !== 0,
    metadata: row.metadata,
    result,
    dueAtMs: row.due_at_ms,
    pending: row.pending_kind !== null && row.pending_payload !== null ? { kind: row.pending_kind, payload: row.pending_payload } : null,
  };
}
