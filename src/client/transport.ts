import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { ApiError, Code, codeName } from "../api-error.js";
import { grpcServiceDefinition } from "../grpc/service-definition.js";
import { isLoopbackEndpoint } from "./loopback.js";
import { backoffDelayMs, isRetryableCode, sleep } from "./retry.js";
import { createTracer } from "./trace.js";
import type { ClientOptions } from "./types.js";

/** Options of one logical call (all of its attempts). */
export interface UnaryOptions {
  /** Sent as `idempotency-key` metadata on every attempt; set for mutating calls. */
  readonly idempotencyKey?: string;
  /** Per-attempt deadline in ms; default ClientOptions.callTimeoutMs. */
  readonly timeoutMs?: number;
  /** Epoch ms after which no further attempt starts and attempts are cut short. */
  readonly giveUpAt?: number;
}

/** The one place that touches the wire: a channel plus one generic client per service. */
export interface Transport {
  unary<S extends GenServiceMethods, K extends keyof S & string>(
    service: GenService<S>,
    method: K,
    request: MessageInitShape<S[K]["input"]>,
    options?: UnaryOptions,
  ): Promise<MessageShape<S[K]["output"]>>;
  readonly rpcCounts: ReadonlyMap<string, number>;
  close(): void;
}

/** A client of one service as grpc-js generates it: one method per RPC, keyed by local name. */
type ServiceClient = InstanceType<ReturnType<typeof grpc.makeGenericClientConstructor>>;
type UnaryCallback = (error: grpc.ServiceError | null, response?: unknown) => void;
type UnaryMethod = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: UnaryCallback) => grpc.ClientUnaryCall;

const DEFAULTS = { maxAttempts: 5, initialBackoffMs: 100, callTimeoutMs: 30_000, maxBackoffMs: 5_000 } as const;

/** Generates a fresh idempotency key for one logical mutating call. */
export function newIdempotencyKey(): string {
  return randomUUID();
}

/**
 * Opens a lazy channel to `options.endpoint` (nothing connects until the first call) and
 * returns the unary invoker every client method goes through: it adds the credential and the
 * idempotency key as metadata, sets a deadline per attempt, retries UNAVAILABLE and
 * DEADLINE_EXCEEDED with exponential backoff and jitter, counts attempts per method, traces
 * (KEYFORM_TRACE=client) and turns every failure into an ApiError whose message never holds
 * the credential.
 * @throws ApiError INVALID_ARGUMENT when the endpoint is not `host:port` or `unix:/path`, or
 *   when `tls: false` would send a credential in plaintext to an endpoint that is not loopback.
 */
export function openTransport(options: ClientOptions): Transport {
  const target = checkedEndpoint(options.endpoint);
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
  const backoff = { initialMs: options.initialBackoffMs ?? DEFAULTS.initialBackoffMs, multiplier: 2, maxMs: DEFAULTS.maxBackoffMs };
  const trace = createTracer("client");
  const authorization = authorizationHeader(options.credentials);
  const secretText = credentialText(options.credentials);
  if (options.tls === false && authorization && !isLoopbackEndpoint(target)) {
    throw ApiError.invalidArgument("insecure", `plaintext would send the credential unencrypted to ${target}, which is not a loopback endpoint; use TLS`);
  }

  const channelCredentials =
    options.tls === false
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(options.tls.caPem ?? null);
  const channelOptions: grpc.ChannelOptions = {
    "grpc.primary_user_agent": "keyform",
    // A CLI run is short: come back quickly after a refused connection instead of grpc-js's 1 s+.
    "grpc.initial_reconnect_backoff_ms": Math.min(1000, Math.max(50, backoff.initialMs)),
    "grpc.max_reconnect_backoff_ms": 5000,
  };
  const channel = new grpc.Channel(target, channelCredentials, channelOptions);
  const stubs = new Map<string, ServiceClient>();
  const counts = new Map<string, number>();

  function stubFor(service: GenService<GenServiceMethods>): ServiceClient {
    let stub = stubs.get(service.typeName);
    if (!stub) {
      const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(service), service.name);
      stub = new Constructor(target, channelCredentials, { channelOverride: channel });
      stubs.set(service.typeName, stub);
    }
    return stub;
  }

  function attempt(
    stub: ServiceClient,
    methodKey: string,
    request: unknown,
    metadata: grpc.Metadata,
    deadline: number,
  ): Promise<unknown> {
    const method = stub[methodKey] as UnaryMethod | undefined;
    if (!method) return Promise.reject(new ApiError(Code.UNIMPLEMENTED, `client has no method ${methodKey}`));
    return new Promise((resolve, reject) => {
      method.call(stub, request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  async function unary<S extends GenServiceMethods, K extends keyof S & string>(
    service: GenService<S>,
    methodKey: K,
    request: MessageInitShape<S[K]["input"]>,
    callOptions: UnaryOptions = {},
  ): Promise<MessageShape<S[K]["output"]>> {
    const descriptor = service.method[methodKey];
    const methodName = `${service.name}/${descriptor.name}`;
    const stub = stubFor(service as unknown as GenService<GenServiceMethods>);
    const metadata = new grpc.Metadata();
    if (authorization) metadata.set("authorization", authorization);
    if (callOptions.idempotencyKey) metadata.set("idempotency-key", callOptions.idempotencyKey);
    const perAttemptMs = callOptions.timeoutMs ?? callTimeoutMs;

    for (let attemptNumber = 1; ; attemptNumber++) {
      counts.set(methodName, (counts.get(methodName) ?? 0) + 1);
      const started = Date.now();
      const deadline = Math.min(started + perAttemptMs, callOptions.giveUpAt ?? Number.POSITIVE_INFINITY);
      try {
        const response = await attempt(stub, methodKey, request, metadata, deadline);
        trace(`${methodName} attempt=${attemptNumber} code=OK ${Date.now() - started}ms`);
        return response as MessageShape<S[K]["output"]>;
      } catch (caught) {
        const error = safeError(caught, secretText);
        trace(`${methodName} attempt=${attemptNumber} code=${codeName(error.code)} ${Date.now() - started}ms`);
        if (!isRetryableCode(error.code) || attemptNumber >= maxAttempts) throw error;
        const delay = backoffDelayMs(backoff, attemptNumber);
        if (callOptions.giveUpAt !== undefined && Date.now() + delay >= callOptions.giveUpAt) throw error;
        await sleep(delay);
      }
    }
  }

  return {
    unary,
    rpcCounts: counts,
    close() {
      for (const stub of stubs.values()) stub.close();
      channel.close();
    },
  };
}

/** `authorization` metadata value for the credential, or undefined for none. */
function authorizationHeader(credentials: ClientOptions["credentials"]): string | undefined {
  switch (credentials.kind) {
    case "bearer":
      return `Bearer ${credentials.token}`;
    case "api-key":
      return `Api-Key ${credentials.secret}`;
    case "none":
      return undefined;
  }
}

function credentialText(credentials: ClientOptions["credentials"]): string | undefined {
  if (credentials.kind === "bearer") return credentials.token || undefined;
  if (credentials.kind === "api-key") return credentials.secret || undefined;
  return undefined;
}

/**
 * ApiError.from plus redaction: the server should never echo a credential, but a message
 * built by a proxy or a misbehaving server might, and our errors end up in logs.
 */
function safeError(caught: unknown, secretText: string | undefined): ApiError {
  const error = ApiError.from(caught);
  if (!secretText || !error.rawMessage.includes(secretText)) return error;
  return new ApiError(error.code, error.rawMessage.split(secretText).join("[redacted]"));
}

function checkedEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith("unix:")) {
    if (trimmed.length <= "unix:".length) throw ApiError.invalidArgument("endpoint", "unix: needs a socket path, e.g. unix:/run/keyform.sock");
    return trimmed;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw ApiError.invalidArgument("endpoint", `"${trimmed}" has a URL scheme; give host:port, e.g. iam.api.cloud.yandex.net:443`);
  }
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(trimmed)) {
    throw ApiError.invalidArgument("endpoint", `"${trimmed}" is not host:port (e.g. 127.0.0.1:50051) or unix:/path`);
  }
  return trimmed;
}
