import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from "@grpc/grpc-js";
import type { DescService } from "@bufbuild/protobuf";
import { ApiKeyService } from "../../src/gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountService } from "../../src/gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import { OperationService } from "../../src/gen/yandex/cloud/operation/operation_service_pb.js";
import { grpcServiceDefinition } from "../../src/grpc/service-definition.js";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server/index.js";

/**
 * Test harness: a real server on loopback over a SQLite file in a temp dir, and raw grpc-js
 * clients built from the generated service definitions (no src/client), as any client
 * generated from the public protos would be.
 */

export type Auth = { bearer: string } | { apiKey: string } | { raw: string } | null;

export interface RawCall {
  <Response>(method: string, request: object, auth: Auth, extraMetadata?: Record<string, string>): Promise<Response>;
}

export interface RawClient {
  call: RawCall;
  close(): void;
}

export function rawClient(address: string, service: DescService): RawClient {
  const Constructor = makeGenericClientConstructor(grpcServiceDefinition(service), service.typeName);
  const client = new Constructor(address, credentials.createInsecure()) as Client & Record<string, unknown>;
  const call: RawCall = <Response>(method: string, request: object, auth: Auth, extraMetadata: Record<string, string> = {}) =>
    new Promise<Response>((resolve, reject) => {
      const metadata = new Metadata();
      if (auth && "bearer" in auth) metadata.set("authorization", `Bearer ${auth.bearer}`);
      if (auth && "apiKey" in auth) metadata.set("authorization", `Api-Key ${auth.apiKey}`);
      if (auth && "raw" in auth) metadata.set("authorization", auth.raw);
      for (const [name, value] of Object.entries(extraMetadata)) metadata.set(name, value);
      const fn = client[method] as (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => void;
      if (typeof fn !== "function") throw new Error(`no method ${method}`);
      fn.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
    });
  return { call, close: () => client.close() };
}

export interface Harness {
  server: RunningServer;
  dataDir: string;
  admin: { bearer: string };
  apiKeys: RawClient;
  operations: RawClient;
  accounts: RawClient;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<ServerOptions> = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "keyform-server-test-"));
  const server = await startServer({ listen: "127.0.0.1:0", dataDir, ...options });
  const apiKeys = rawClient(server.address, ApiKeyService);
  const operations = rawClient(server.address, OperationService);
  const accounts = rawClient(server.address, ServiceAccountService);
  return {
    server,
    dataDir,
    admin: { bearer: server.adminToken },
    apiKeys,
    operations,
    accounts,
    async close() {
      apiKeys.close();
      operations.close();
      accounts.close();
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves to the gRPC error of a call that must fail (and fails the test if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (error) {
    const serviceError = error as ServiceError;
    return { code: serviceError.code, details: serviceError.details };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
