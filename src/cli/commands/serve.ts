import type { Command } from "commander";
import { ExitError } from "../exit-error.js";

interface ServeFlags {
  listen: string;
  dataDir: string;
  tlsCert?: string;
  tlsKey?: string;
  operationDelay?: string;
  adminTokenFile?: string;
  insecurePlaintext?: boolean;
}

/**
 * `keyform serve`: the ApiKeyService API over the SQLite store in --data-dir, until SIGINT or
 * SIGTERM. Prints where it listens and where the admin token is (never the token) to stderr.
 */
export function register(program: Command): void {
  program
    .command("serve")
    .description("Serve the ApiKeyService, OperationService and ServiceAccountService APIs over gRPC")
    .option("--listen <host:port>", "address to listen on (port 0 picks a free port), or unix:/absolute/path", "127.0.0.1:50051")
    .option("--data-dir <dir>", "directory of the SQLite store; the first admin token is written to <dir>/admin-token", ".keyform")
    .option("--tls-cert <file>", "serve TLS with this PEM certificate chain (needs --tls-key)")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--operation-delay <ms>", "keep operations running (done=false) this many milliseconds before they complete", "0")
    .option("--admin-token-file <file>", "file with more admin tokens, one per line")
    .option("--insecure-plaintext", "allow plaintext on a non-loopback --listen address (tokens and secrets cross the network in clear)")
    .action((flags: ServeFlags) => serve(flags));
}

function parseDelay(text: string | undefined): number {
  const delay = Number(text ?? "0");
  if (!Number.isInteger(delay) || delay < 0) throw new ExitError(`--operation-delay: expected a non-negative integer of milliseconds, got "${text}"`, 2);
  return delay;
}

async function serve(flags: ServeFlags): Promise<void> {
  const { readFileSync } = await import("node:fs");
  const { join, resolve } = await import("node:path");
  const { startServer } = await import("../../server/index.js");
  const { ADMIN_TOKEN_FILE, readAdminTokenFile } = await import("../../server/admin-token.js");
  const { isLoopbackEndpoint } = await import("../../client/loopback.js");

  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new ExitError("--tls-cert and --tls-key must be given together", 2);
  // Callers send admin tokens and API key secrets in every request: in plaintext they may only
  // travel over loopback unless the operator says otherwise.
  if (!flags.tlsCert && !flags.insecurePlaintext && !isLoopbackEndpoint(flags.listen)) {
    throw new ExitError(
      `--listen ${flags.listen} is not a loopback address, and without TLS credentials would cross the network in clear: give --tls-cert and --tls-key, or --insecure-plaintext to accept that`,
      2,
    );
  }
  const readFlagFile = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ExitError(`${flag} ${path}: ${(error as Error).message}`, 2);
    }
  };
  const tls = flags.tlsCert && flags.tlsKey ? { certPem: readFlagFile("--tls-cert", flags.tlsCert), keyPem: readFlagFile("--tls-key", flags.tlsKey) } : undefined;
  let adminTokens: string[] = [];
  if (flags.adminTokenFile) {
    try {
      adminTokens = readAdminTokenFile(flags.adminTokenFile);
    } catch (error) {
      throw new ExitError(`--admin-token-file ${flags.adminTokenFile}: ${(error as Error).message}`, 2);
    }
  }
  const dataDir = resolve(flags.dataDir);
  const operationDelayMs = parseDelay(flags.operationDelay);

  let server;
  try {
    server = await startServer({ listen: flags.listen, dataDir, tls, operationDelayMs, adminTokens });
  } catch (error) {
    throw new ExitError(`keyform serve: ${(error as Error).message}`);
  }
  process.stderr.write(`keyform serve listening on ${server.address} (data dir ${dataDir}; admin token in ${join(dataDir, ADMIN_TOKEN_FILE)})\n`);

  const running = server;
  await new Promise<void>((resolveStopped) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`keyform serve: ${signal} received, shutting down\n`);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      running.close().then(resolveStopped, (error: unknown) => {
        process.stderr.write(`keyform serve: error while shutting down: ${(error as Error).message}\n`);
        resolveStopped();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
