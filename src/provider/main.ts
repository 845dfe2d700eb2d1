import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { checkHandshakeEnvironment, handshakeLine } from "./handshake.js";
import type { ServerCertificate } from "./certificate.js";
import type { ProviderHandlers } from "./provider-service.js";
import type { ProviderContext } from "./provider-context.js";
import type { Tracer } from "../client/trace.js";

/**
 * Entry point of terraform-provider-keyform (bin/terraform-provider-keyform.js). Start-up
 * order is tuned for speed (Terraform starts the provider about four times per apply): the
 * certificate is minted in a worker thread while this thread loads grpc-js; the RPC handlers
 * load after the handshake line (while Terraform connects); the API connection is opened only
 * by the first RPC that needs it. stdout carries only the
 * handshake line; logs go to stderr (KEYFORM_TRACE=provider).
 */
async function main(): Promise<void> {
  const check = checkHandshakeEnvironment(process.env);
  if (!check.ok) {
    process.stderr.write(check.message);
    process.exitCode = 1;
    return;
  }
  const certificate = check.tls ? mintInWorker() : undefined;
  // Keep the promise observed so that a failure surfaces where it is awaited, not as unhandled.
  certificate?.catch(() => undefined);
  const [{ startPluginServer }, { createTracer }] = await Promise.all([import("./plugin-server.js"), import("../client/trace.js")]);
  const trace = createTracer("provider");
  trace(`timing: modules loaded at ${performance.now().toFixed(0)} ms`);
  const loaded = { handlers: undefined as Promise<{ handlers: ProviderHandlers; context: ProviderContext }> | undefined };
  // The handlers (codec, resource logic, schema file) load after the handshake line, while
  // Terraform connects; the first RPC waits for them.
  const loadHandlers = () => (loaded.handlers ??= loadProviderHandlers(trace));
  const socketDirectory = mkdtempSync(join(tmpdir(), "keyform-plugin-"));
  const removeSocketDirectory = () => rmSync(socketDirectory, { recursive: true, force: true });
  process.on("exit", removeSocketDirectory);
  const socketPath = join(socketDirectory, "plugin.sock");
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    trace(`stopping: ${reason}`);
    const forced = setTimeout(() => process.exit(0), 2000);
    forced.unref();
    if (loaded.handlers) {
      await loaded.handlers
        .then(({ context }) => context.close())
        .catch((error: unknown) => trace(`close failed: ${(error as Error).message}`));
    }
    server.tryShutdown(() => process.exit(0));
  };
  const identity: ServerCertificate | undefined = certificate ? await certificate : undefined;
  trace(`timing: certificate ready at ${performance.now().toFixed(0)} ms`);
  const server = await startPluginServer({
    socketPath,
    handlers: async () => (await loadHandlers()).handlers,
    ...(identity
      ? { tls: { certificatePem: identity.certificatePem, privateKeyPem: identity.privateKeyPem, ...(check.ok && check.clientCertificatePem ? { clientCertificatePem: check.clientCertificatePem } : {}) } }
      : {}),
    onShutdown: () => void stop("Shutdown"),
    trace,
  });
  // go-plugin servers ignore interrupts: Terraform forwards Ctrl-C and then calls StopProvider.
  process.on("SIGINT", () => trace("SIGINT ignored"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Terraform always ends its providers, unless it is itself killed: then the provider would be
  // orphaned (re-parented) and keep the embedded store open. Notice that and stop.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop("Terraform (the parent process) is gone");
  }, 1000).unref();
  process.stdout.write(handshakeLine(socketPath, identity?.certificateDer));
  void loadHandlers();
  trace(`timing: handshake line at ${performance.now().toFixed(0)} ms; listening on ${socketPath} (${identity ? "mTLS" : "plaintext"})`);
}

async function loadProviderHandlers(trace: Tracer): Promise<{ handlers: ProviderHandlers; context: ProviderContext }> {
  const [{ createProviderHandlers }, { loadProviderSchemas }, { createProviderContext }] = await Promise.all([
    import("./provider-service.js"),
    import("./provider-schema.js"),
    import("./provider-context.js"),
  ]);
  const context = createProviderContext(trace);
  let schemas;
  try {
    schemas = loadProviderSchemas();
  } catch (error) {
    // GetProviderSchema reports it as a diagnostic naming the missing file.
    schemas = error as Error;
    trace(schemas.message);
  }
  return { handlers: createProviderHandlers(schemas, context), context };
}

function mintInWorker(): Promise<ServerCertificate> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./certificate-worker.js", import.meta.url));
    worker.once("message", (message: { certificate?: ServerCertificate; error?: string }) => {
      void worker.terminate();
      if (message.certificate) resolve(message.certificate);
      else reject(new Error(`cannot mint the plugin's TLS certificate: ${message.error ?? "unknown error"}`));
    });
    worker.once("error", reject);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`terraform-provider-keyform: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
