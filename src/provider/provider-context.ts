import { appendFileSync, existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ApiKeyClient } from "../client/types.js";
import type { Connection } from "../embedded/index.js";
import { ConnectionSettingsError, ENVIRONMENT_VARIABLES, settingsFromEnvironment, usesPlaintext } from "../embedded/settings.js";
import type { ConnectionSettings, SettingName } from "../embedded/settings.js";
import type { TerraformObject } from "./dynamic-value.js";
import { UNKNOWN } from "./dynamic-value.js";
import type { Tracer } from "../client/trace.js";

/**
 * What one provider process knows across RPCs: the settings ConfigureProvider resolved and the
 * connection, opened lazily by the first RPC that needs the API (so that `terraform plan`
 * with nothing to refresh never connects, and start-up stays fast).
 */
export interface ProviderContext {
  /**
   * Records the provider block's settings over the KEYFORM_* environment; connects nothing.
   * Settings whose value is unknown (plan time, set from another resource's attribute) are
   * recorded in unknownAttributes instead, and then nothing ever connects: falling back to the
   * environment or the embedded store would refresh against the wrong API.
   * @throws ConnectionSettingsError (with `setting`) for a malformed environment variable or a
   *   refused combination (plaintext to an endpoint that is not loopback, insecure + ca_file).
   */
  configure(config: TerraformObject | null): void;
  /** Provider block attributes that were unknown at ConfigureProvider, in schema order; [] when all known. */
  readonly unknownAttributes: readonly string[];
  /**
   * The API client; connects on first use.
   * @throws ApiError, or ConnectionSettingsError (also when a setting is unknown: never connects then).
   */
  client(): Promise<ApiKeyClient>;
  /** What the client talks to, for messages (never a credential); undefined before connecting. */
  readonly endpointDescription: string | undefined;
  /** Records an Update RPC's mask, for KEYFORM_RPC_COUNTS_FILE. */
  recordUpdateMask(paths: readonly string[]): void;
  /** Closes the connection (embedded store included) and writes the RPC counts file if asked. */
  close(): Promise<void>;
  readonly trace: Tracer;
}

/** Provider block attribute -> connection setting, and how the setting is named in messages. */
const SETTING_ATTRIBUTES = {
  endpoint: "endpoint",
  token: "token",
  apiKey: "api_key",
  caFile: "ca_file",
  insecure: "insecure",
  dataDir: "data_dir",
} as const;

/** The provider block attribute that sets `setting` (`apiKey` -> `api_key`). */
export function attributeOfSetting(setting: SettingName): string {
  return SETTING_ATTRIBUTES[setting];
}

/** The connection setting a provider block attribute sets (`api_key` -> `apiKey`). @throws Error for another name (a bug). */
export function settingOfAttribute(attribute: string): SettingName {
  const found = Object.entries(SETTING_ATTRIBUTES).find(([, name]) => name === attribute);
  if (!found) throw new Error(`${attribute} is not a connection setting of the provider block`);
  return found[0] as SettingName;
}

/** Provider block attributes whose value is unknown (plan time), in schema order. */
export function unknownProviderAttributes(config: TerraformObject | null): string[] {
  return Object.values(SETTING_ATTRIBUTES).filter((attribute) => config?.[attribute] === UNKNOWN);
}

/**
 * Merges the provider block over the KEYFORM_* environment: a non-null, known attribute wins.
 * Pure apart from reading `env` through settingsFromEnvironment.
 */
export function mergeProviderSettings(config: TerraformObject | null, environment: ConnectionSettings): ConnectionSettings {
  const settings: Record<string, unknown> = { ...environment };
  const names: Record<string, string> = {};
  for (const [setting, attribute] of Object.entries(SETTING_ATTRIBUTES)) {
    const value = config?.[attribute];
    names[setting] = `${attribute} (or ${ENVIRONMENT_VARIABLES[setting as SettingName]})`;
    if (value === null || value === undefined || value === UNKNOWN) continue;
    settings[setting] = value;
  }
  return { ...(settings as ConnectionSettings), names };
}

/**
 * The embedded store's directory when neither endpoint nor data_dir is set: `.keyform` like the
 * CLI, except that under `cdktf deploy` (Terraform runs in `<project>/cdktf.out/stacks/<stack>`,
 * next to cdktf.out/manifest.json) it is the project's `.keyform`, the store `keyform apply` uses.
 */
export function defaultDataDirectory(cwd: string): string {
  const outDirectory = dirname(dirname(cwd));
  if (basename(dirname(cwd)) === "stacks" && existsSync(join(outDirectory, "manifest.json"))) return join(dirname(outDirectory), ".keyform");
  return ".keyform";
}

/**
 * Creates the context. `KEYFORM_RPC_COUNTS_FILE=<path>` makes close() append one JSON line
 * `{"pid":..,"rpcs":{"ApiKeyService/Get":n},"updateMasks":[["description"]]}`: how the
 * benches and tests count the RPCs a terraform run made across its provider processes.
 */
export function createProviderContext(trace: Tracer, env: NodeJS.ProcessEnv = process.env): ProviderContext {
  let settings: ConnectionSettings | undefined;
  let connection: Promise<Connection> | undefined;
  let description: string | undefined;
  let unknownAttributes: string[] = [];
  const updateMasks: string[][] = [];

  async function open(): Promise<Connection> {
    const { connect } = await import("../embedded/index.js");
    const resolved = settings ?? mergeProviderSettings(null, settingsFromEnvironment(env));
    const opened = await connect(resolved);
    description = opened.description;
    trace(`connected to ${opened.description}`);
    return opened;
  }

  return {
    trace,
    get endpointDescription() {
      return description;
    },
    get unknownAttributes() {
      return unknownAttributes;
    },
    configure(config) {
      unknownAttributes = unknownProviderAttributes(config);
      const merged = mergeProviderSettings(config, settingsFromEnvironment(env));
      const endpoint = merged.endpoint?.trim();
      if (endpoint && unknownAttributes.length === 0) usesPlaintext(endpoint, merged);
      settings = merged.endpoint || merged.dataDir ? merged : { ...merged, dataDir: defaultDataDirectory(process.cwd()) };
    },
    async client() {
      const unknown = unknownAttributes[0];
      if (unknown !== undefined) {
        throw new ConnectionSettingsError(`the provider setting ${unknown} is unknown until apply; provider settings must be known at plan time`, settingOfAttribute(unknown));
      }
      connection ??= open();
      try {
        return (await connection).client;
      } catch (error) {
        connection = undefined;
        throw error;
      }
    },
    recordUpdateMask(paths) {
      updateMasks.push([...paths]);
    },
    async close() {
      const opened = connection ? await connection.catch(() => undefined) : undefined;
      const countsFile = env.KEYFORM_RPC_COUNTS_FILE;
      if (countsFile) {
        const rpcs = opened ? Object.fromEntries(opened.client.rpcCounts) : {};
        appendFileSync(countsFile, `${JSON.stringify({ pid: process.pid, rpcs, updateMasks })}\n`);
      }
      await opened?.close();
    },
  };
}
