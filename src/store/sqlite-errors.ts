import { ApiError, Code } from "../api-error.js";
import { IdempotencyConflictError } from "./types.js";

/**
 * Maps a better-sqlite3 error to the API's one error type at the boundary where it occurs.
 * The driver's text (which may quote values) is kept only as the `cause`, for server logs.
 */
export function sqliteErrorToApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
      return new ApiError(Code.ALREADY_EXISTS, "resource already exists", { cause: error });
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
      return new ApiError(Code.NOT_FOUND, "referenced resource not found", { cause: error });
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
      return new ApiError(Code.UNAVAILABLE, "storage busy, retry", { cause: error });
    case "SQLITE_FULL":
      return new ApiError(Code.RESOURCE_EXHAUSTED, "storage full", { cause: error });
    default:
      return new ApiError(Code.INTERNAL, "internal error", { cause: error });
  }
}

/** What a store method rejects with: an IdempotencyConflictError as is, anything else mapped. */
export function storeErrorOf(error: unknown): ApiError | IdempotencyConflictError {
  return error instanceof IdempotencyConflictError ? error : sqliteErrorToApiError(error);
}
