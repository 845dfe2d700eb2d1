import { existsSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { ApiKeyService } from "../gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { ServiceAccountService } from "../gen/yandex/cloud/iam/v1/service_account_service_pb.js";
import { OperationService } from "../gen/yandex/cloud/operation/operation_service_pb.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { ensureAdminTokenFile } from "./admin-token.js";
import { createApiKeyService } from "./api-key-service.js";
import { createAuthenticator } from "./auth.js";
import { sha256Hex } from "./credentials-format.js";
import { ensureDemoServiceAccounts } from "./demo-accounts.js";
import { bindService } from "./grpc-binding.js";
import { IDEMPOTENCY_RETENTION_MS } from "./idempotency.js";
import { createOperationService } from "./operation-service.js";
import { OperationRunner } from "./operations.js";
import { createRedactor } from "./redact.js";
import { addHealth, addReflection } from "./reflection.js";
import { loadServerKeys } from "./server-keys.js";
import { createServiceAccountService } from "./service-account-service.js";
import type { ServiceDeps } from "./service-deps.js";
import type { ServiceMethod } from "./unary.js";
import { trace } from "./trace.js";

export interface ServerOptions {
  /** `host:port` (port 0 picks a free one) or `unix:/absolute/path`. */
  listen: string;
  /** Holds keyform.db, admin-token and server-key; created if missing. */
  dataDir: string;
  /** TLS with this certificate chain and key (PEM); plaintext when absent. */
  tls?: { certPem: Buffer; keyPem: Buffer };
  /** When > 0, Update/Delete/Create-account operations stay running this long first. */
  operationDelayMs?: number;
  /**
   * Admin tokens accepted besides the one in `<dataDir>/admin-token`. Together they are the
   * whole accepted set: no token is remembered across restarts.
   */
  adminTokens?: string[];
  /** Creates DEMO_SERVICE_ACCOUNTS (src/server/demo-service-accounts.ts) if missing. */
  createDemoServiceAccounts?: boolean;
}

export interface RunningServer {
  /** The bound `host:port` (the real port when 0 was asked) or `unix:/path`. */
  address: string;
  /** The token in `<dataDir>/admin-token`. */
  adminToken: string;
  /** Stops accepting calls, lets running ones finish (briefly), closes the store. */
  close(): Promise<void>;
}

/** For benchmarks and embedding: a hook that may add services to the same grpc-js server. */
export interface ServerHooks {
  beforeBind?(server: Server): void;
}

const HOUR_MS = 60 * 60 * 1000;
const SERVICES = [ApiKeyService, OperationService, ServiceAccountService];

function bind(server: Server, listen: string, credentials: ServerCredentials): Promise<string> {
  if (listen.startsWith("unix:")) {
    const path = listen.slice("unix:".length);
    // A socket file left by a killed server would make bind fail with EADDRINUSE.
    if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
  }
  return new Promise((resolve, reject) => {
    server.bindAsync(listen, credentials, (error, port) => {
      if (error) return reject(new Error(`cannot listen on ${listen}: ${error.message}`));
      if (listen.startsWith("unix:")) return resolve(listen);
      const host = listen.slice(0, listen.lastIndexOf(":"));
      resolve(`${host}:${port}`);
    });
  });
}

/**
 * Starts the keyform API server: ApiKeyService, OperationService, ServiceAccountService,
 * grpc.health.v1 and server reflection, over the SQLite store in `dataDir`. Creates the admin
 * token file on first start. Rejects when the data dir or the address cannot be used.
 */
export async function startServer(options: ServerOptions, hooks: ServerHooks = {}): Promise<RunningServer> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store: Store = openSqliteStore(options.dataDir);
  try {
    const now = Date.now;
    const keys = loadServerKeys(options.dataDir);
    // The accepted admin tokens are exactly the file's current one plus the configured ones,
    // so deleting or replacing the file revokes the old token at the next start.
    const adminToken = ensureAdminTokenFile(options.dataDir);
    const adminTokens = [adminToken, ...(options.adminTokens ?? [])];
    const authenticator = createAuthenticator(store, adminTokens.map((token) => sha256Hex(token)), now);
    const redact = createRedactor(adminTokens);
    const operations = new OperationRunner(store, options.operationDelayMs ?? 0, now);
    const deps: ServiceDeps = { store, keys, operations, now };
    const logic = [createApiKeyService(deps), createOperationService(deps), createServiceAccountService(deps)];
    if (options.createDemoServiceAccounts) await ensureDemoServiceAccounts(store, now());
    await store.purgeIdempotencyRecords(now() - IDEMPOTENCY_RETENTION_MS);
    await operations.resume();

    const server = new Server();
    SERVICES.forEach((service, index) => {
      const bound = bindService(service, logic[index] as unknown as Record<string, ServiceMethod<never, unknown>>, authenticator, redact);
      server.addService(bound.definition, bound.implementation);
    });
    addHealth(server, SERVICES);
    addReflection(server, SERVICES);
    hooks.beforeBind?.(server);
    const credentials = options.tls
      ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.certPem, private_key: options.tls.keyPem }], false)
      : ServerCredentials.createInsecure();
    const address = await bind(server, options.listen, credentials);
    trace("server", `listening on ${address} (data dir ${options.dataDir})`);

    const purgeTimer = setInterval(() => {
      store.purgeIdempotencyRecords(Date.now() - IDEMPOTENCY_RETENTION_MS).catch((error: unknown) => trace("server", redact(`purge failed: ${String(error)}`)));
    }, HOUR_MS);
    purgeTimer.unref();

    let closing: Promise<void> | undefined;
    return {
      address,
      adminToken,
      close() {
        closing ??= (async () => {
          clearInterval(purgeTimer);
          operations.close();
          await new Promise<void>((resolve) => {
            const force = setTimeout(() => {
              server.forceShutdown();
              resolve();
            }, 2000);
            server.tryShutdown(() => {
              clearTimeout(force);
              resolve();
            });
          });
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

export { ADMIN_TOKEN_FILE } from "./admin-token.js";
export { SERVER_KEY_FILE } from "./server-keys.js";
export { DATABASE_FILE } from "../store/index.js";
