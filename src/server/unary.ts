import type { Metadata, ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import { ApiError, Code } from "../api-error.js";
import type { Authenticator, Caller } from "./auth.js";
import { UndecodableRequest } from "./request-decoding.js";
import { trace, traceEnabled } from "./trace.js";

/** What the service logic learns about a call, besides its request message. */
export interface CallContext {
  readonly caller: Caller;
  /** Full method name without the leading slash, e.g. `yandex.cloud.iam.v1.ApiKeyService/Create`. */
  readonly method: string;
  /** The `idempotency-key` metadata, when sent. */
  readonly idempotencyKey: string | undefined;
}

export type ServiceMethod<Request, Response> = (request: Request, context: CallContext) => Promise<Response>;

const IDEMPOTENCY_KEY_MAX_LENGTH = 128;

function singleValue(metadata: Metadata, name: string): string | undefined {
  const values = metadata.get(name);
  const first = values[0];
  return typeof first === "string" ? first : first?.toString("utf8");
}

function idempotencyKeyOf(metadata: Metadata): string | undefined {
  const key = singleValue(metadata, "idempotency-key");
  if (key === undefined || key === "") return undefined;
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw ApiError.invalidArgument("idempotency-key", `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
  return key;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

/**
 * The one adapter between grpc-js and the service logic: authenticates the call from its
 * `authorization` metadata (UNAUTHENTICATED before any logic runs), rejects undecodable
 * request bytes with INVALID_ARGUMENT, awaits the logic, and
 * maps every failure through ApiError.from. Failures are logged with KEYFORM_TRACE=server
 * after `redact` (the server's admin tokens; trace itself removes secret patterns), INTERNAL
 * ones with their cause, and INTERNAL ones reach the client only as "internal error".
 */
export function unary<Request, Response>(
  authenticator: Authenticator,
  method: string,
  logic: ServiceMethod<Request, Response>,
  redact: (text: string) => string = (text) => text,
): (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => void {
  return (call, callback) => {
    const run = async (): Promise<Response> => {
      const caller = await authenticator.authenticate(singleValue(call.metadata, "authorization"));
      if ((call.request as unknown) instanceof UndecodableRequest) {
        throw new ApiError(Code.INVALID_ARGUMENT, (call.request as unknown as UndecodableRequest).problem);
      }
      return logic(call.request, { caller, method, idempotencyKey: idempotencyKeyOf(call.metadata) });
    };
    run().then(
      (response) => callback(null, response),
      (error: unknown) => {
        const apiError = ApiError.from(error);
        const internal = apiError.code === Code.INTERNAL || apiError.code === Code.UNKNOWN;
        if (traceEnabled("server")) {
          // A driver's message may quote what it was given (a secret, a token): redact it all.
          trace("server", redact(internal ? `${method} failed: ${causeText(apiError.cause)}` : `${method} -> ${apiError.message}`));
        }
        if (internal) {
          callback({ code: Code.INTERNAL, details: "internal error" });
          return;
        }
        callback({ code: apiError.code, details: apiError.rawMessage });
      },
    );
  };
}
