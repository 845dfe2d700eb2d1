import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../client/index.js";
import type { ApiKeyClient, ClientOptions, Credentials } from "../client/index.js";
import { ConnectionSettingsError, settingName, usesPlaintext } from "./settings.js";
import type { ConnectionSettings } from "./settings.js";
import type { RunningServer } from "../server/index.js";

export * from "./settings.js";
export { DEMO_FOLDER_ID, DEMO_SERVICE_ACCOUNTS } from "./demo-accounts.js";

/** Default data directory of the embedded store, relative to the working directory. */
export const DEFAULT_DATA_DIR = ".keyform";

/** An open connection to the API: a client, and what it talks to. Close it when done. */
export interface Connection {
  readonly client: ApiKeyClient;
  /** True when the API runs in this process on the embedded store. */
  readonly embedded: boolean;
  /** What the client talks to, for messages: `embedded store .keyform`, `127.0.0.1:50051 (plaintext)`. Never a credential. */
  readonly description: string;
  /** The endpoint the client talks to (for embedded: the in-process server's `unix:` socket). */
  readonly address: string;
  /** Closes the client and, when embedded, stops the in-process server and removes its socket directory. */
  close(): Promise<void>;
}

/** Client tuning passed through to createClient (tests and benches shorten timeouts). */
export type ClientTuning = Pick<ClientOptions, "maxAttempts" | "initialBackoffMs" | "callTimeoutMs" | "operationTimeoutMs">;

/**
 * Opens the connection every keyform command, the reconciler and the Terraform provider use.
 *
 * - No endpoint: the embedded default. The API server starts in this process on a Unix socket
 *   in a private temporary directory (mode 0700, removed on close) over the store in
 *   `dataDir` (default `.keyform`, created if missing), with the demo service accounts
 *   (src/embedded/demo-accounts.ts). The client authenticates with the server's admin token,
 *   or with the token / API key given in the settings. TLS settings do not apply.
 * - An endpoint: exactly one of token or apiKey is required. TLS with the system roots (or
 *   `caFile`) unless `insecure` is true; when `insecure` is unset, loopback endpoints
 *   (127.0.0.0/8, ::1, localhost, unix:) use plaintext, because that is how `keyform serve`
 *   listens by default, and every other endpoint uses TLS. A caFile forces TLS. `insecure`
 *   with an endpoint that is not loopback is refused (see usesPlaintext).
 *
 * @throws ConnectionSettingsError naming the setting for contradictory or missing settings or
 *   an unreadable CA file; ApiError when the embedded server cannot start.
 */
export async function connect(settings: ConnectionSettings, tuning: ClientTuning = {}): Promise<Connection> {
  const endpoint = settings.endpoint?.trim();
  const credentials = credentialsOf(settings, Boolean(endpoint));
  return endpoint ? connectRemote(endpoint, credentials, settings, tuning) : connectEmbedded(credentials, settings, tuning);
}

function credentialsOf(settings: ConnectionSettings, remote: boolean): Credentials {
  const token = settings.token?.trim();
  const apiKey = settings.apiKey?.trim();
  const tokenName = settingName(settings, "token");
  const apiKeyName = settingName(settings, "apiKey");
  if (token && apiKey) {
    throw new ConnectionSettingsError(`both ${tokenName} and ${apiKeyName} are set; set only one of them`, "apiKey");
  }
  if (token) return { kind: "bearer", token };
  if (apiKey) return { kind: "api-key", secret: apiKey };
  if (remote) {
    throw new ConnectionSettingsError(
      `no credential for ${settingName(settings, "endpoint")}: set ${tokenName} (a bearer token) or ${apiKeyName} (an API key secret)`,
      "token",
    );
  }
  return { kind: "none" };
}

async function connectRemote(endpoint: string, credentials: Credentials, settings: ConnectionSettings, tuning: ClientTuning): Promise<Connection> {
  const caFile = settings.caFile?.trim();
  const plaintext = usesPlaintext(endpoint, settings);
  let tls: ClientOptions["tls"] = false;
  let transport = "plaintext";
  if (!plaintext) {
    tls = caFile ? { caPem: readCaFile(caFile, settingName(settings, "caFile")) } : {};
    transport = caFile ? `TLS, CA ${caFile}` : "TLS, system roots";
  }
  const client = createClient({ endpoint, credentials, tls, ...tuning });
  return {
    client,
    embedded: false,
    address: endpoint,
    description: `${endpoint} (${transport})`,
    close: async () => client.close(),
  };
}

function readCaFile(path: string, name: string): Buffer {
  try {
    const pem = readFileSync(path);
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConnectionSettingsError(`${name}: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, "caFile");
    }
    return pem;
  } catch (error) {
    if (error instanceof ConnectionSettingsError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConnectionSettingsError(`${name}: cannot read CA file ${path} (${reason})`, "caFile");
  }
}

async function connectEmbedded(credentials: Credentials, settings: ConnectionSettings, tuning: ClientTuning): Promise<Connection> {
  const dataDir = settings.dataDir?.trim() || DEFAULT_DATA_DIR;
  // Imported lazily: the server, SQLite and their dependencies load only when embedded.
  const { startServer } = await import("../server/index.js");
  const socketDir = mkdtempSync(join(tmpdir(), "keyform-"));
  chmodSync(socketDir, 0o700);
  const socketPath = join(socketDir, "api.sock");
  // Unix socket paths are limited to ~107 bytes; a long TMPDIR falls back to loopback TCP,
  // which still requires the admin token.
  const listen = socketPath.length < 100 ? `unix:${socketPath}` : "127.0.0.1:0";
  let server: RunningServer;
  try {
    server = await startServer({ listen, dataDir, createDemoServiceAccounts: true });
  } catch (error) {
    rmSync(socketDir, { recursive: true, force: true });
    throw error;
  }
  const client = createClient({
    endpoint: server.address,
    credentials: credentials.kind === "none" ? { kind: "bearer", token: server.adminToken } : credentials,
    tls: false,
    ...tuning,
  });
  let closed = false;
  return {
    client,
    embedded: true,
    address: server.address,
    // Say when a configured credential replaces the admin token: a KEYFORM_TOKEN meant for the
    // cloud, left set without an endpoint, would otherwise fail with a puzzling UNAUTHENTICATED.
    description: `embedded store ${dataDir}${credentials.kind === "none" ? "" : ` (with the given ${credentials.kind === "bearer" ? "token" : "API key"})`}`,
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      try {
        await server.close();
      } finally {
        rmSync(socketDir, { recursive: true, force: true });
      }
    },
  };
}
