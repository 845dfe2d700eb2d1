import { status as GrpcStatus } from "@grpc/grpc-js";

/** gRPC status codes, re-exported so that layers above need not import grpc-js. */
export const Code = GrpcStatus;
export type Code = GrpcStatus;

const codeNames: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, value]) => typeof value === "number")
    .map(([name, value]) => [value as number, name]),
);

/** Name of a gRPC status code, e.g. `INVALID_ARGUMENT`. */
export function codeName(code: number): string {
  return codeNames[code] ?? `CODE_${code}`;
}

/**
 * The one error type of the API layers: a gRPC status code plus a message that is safe to
 * show to a client (never a secret, a token or an internal detail). `message` is prefixed by
 * the code name; `rawMessage` is the text alone.
 */
export class ApiError extends Error {
  readonly code: Code;
  readonly rawMessage: string;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(`[${codeName(code)}] ${message}`, options);
    this.name = "ApiError";
    this.code = code;
    this.rawMessage = message;
  }

  /**
   * Turns anything caught into an ApiError. An object with a numeric gRPC `code` and a
   * `details` string (what grpc-js rejects with) keeps its code; anything else is INTERNAL
   * with a generic message, because its text may hold internals not meant for clients.
   */
  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number") {
      const grpcError = error as { code: number; details?: unknown; message?: unknown };
      const text = typeof grpcError.details === "string" ? grpcError.details : String(grpcError.message ?? "");
      return new ApiError(grpcError.code as Code, text, { cause: error });
    }
    return new ApiError(Code.INTERNAL, "internal error", { cause: error });
  }

  static invalidArgument(field: string, problem: string): ApiError {
    return new ApiError(Code.INVALID_ARGUMENT, `${field}: ${problem}`);
  }

  static notFound(what: string): ApiError {
    return new ApiError(Code.NOT_FOUND, what);
  }
}
