import { isLoopbackEndpoint } from "../client/loopback.js";

/**
 * Where and how to connect. Every field is optional: no endpoint means the embedded default
 * (the API served in-process on the SQLite store under `dataDir`). null and undefined both
 * mean "not set", so that callers can pass optional configuration attributes straight in.
 */
export interface ConnectionSettings {
  /** `host:port` or `unix:/path`; unset = embedded default. */
  endpoint?: string | null;
  /** Bearer token (admin token of a keyform server, or an IAM token of the cloud). */
  token?: string | null;
  /** Api-Key secret of a service account. */
  apiKey?: string | null;
  /** PEM file of the CA that signed the server's certificate (TLS only). */
  caFile?: string | null;
  /** true: plaintext; false: TLS; unset: plaintext for loopback and unix: endpoints, TLS otherwise. */
  insecure?: boolean | null;
  /** Data directory of the embedded default; default `.keyform`. */
  dataDir?: string | null;
  /**
   * How each setting is spelled where the user sets it, for error messages (the CLI says
   * `--token-file or KEYFORM_TOKEN`, the provider says `token`). Defaults name the environment
   * variables.
   */
  names?: Partial<Record<SettingName, string>> | null;
}

export type SettingName = "endpoint" | "token" | "apiKey" | "caFile" | "insecure" | "dataDir";

/** Environment variables read by settingsFromEnvironment, by setting. */
export const ENVIRONMENT_VARIABLES: Readonly<Record<SettingName, string>> = {
  endpoint: "KEYFORM_ENDPOINT",
  token: "KEYFORM_TOKEN",
  apiKey: "KEYFORM_API_KEY",
  caFile: "KEYFORM_CA_FILE",
  insecure: "KEYFORM_INSECURE",
  dataDir: "KEYFORM_DATA_DIR",
};

/** A configuration mistake; the message names the setting and says what to do. Never holds a credential. */
export class ConnectionSettingsError extends Error {
  /** @param setting the setting to fix, when one is to blame (the provider puts its diagnostic on that attribute). */
  constructor(
    message: string,
    readonly setting?: SettingName,
  ) {
    super(message);
    this.name = "ConnectionSettingsError";
  }
}

/**
 * Reads KEYFORM_ENDPOINT, KEYFORM_TOKEN, KEYFORM_API_KEY, KEYFORM_CA_FILE, KEYFORM_INSECURE
 * (1/true/yes or 0/false/no) and KEYFORM_DATA_DIR. Empty variables count as unset; values are
 * trimmed (a token pasted with a trailing newline still works).
 * @throws ConnectionSettingsError naming KEYFORM_INSECURE when it is not a boolean.
 */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const read = (name: SettingName): string | undefined => {
    const value = env[ENVIRONMENT_VARIABLES[name]]?.trim();
    return value ? value : undefined;
  };
  const insecureText = read("insecure");
  return {
    endpoint: read("endpoint"),
    token: read("token"),
    apiKey: read("apiKey"),
    caFile: read("caFile"),
    insecure: insecureText === undefined ? undefined : parseBoolean(insecureText, ENVIRONMENT_VARIABLES.insecure),
    dataDir: read("dataDir"),
  };
}

function parseBoolean(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  if (["1", "true", "yes", "on"].includes(lower)) return true;
  if (["0", "false", "no", "off"].includes(lower)) return false;
  throw new ConnectionSettingsError(`${name} must be 1/true or 0/false (got "${text}")`, "insecure");
}

/** How `setting` is named in messages: the caller's spelling, else its environment variable. */
export function settingName(settings: ConnectionSettings, setting: SettingName): string {
  return settings.names?.[setting] ?? ENVIRONMENT_VARIABLES[setting];
}


/**
 * Whether a remote endpoint is spoken to in plaintext: `insecure` when set, otherwise plaintext
 * for loopback endpoints without a CA file and TLS for everything else. Pure.
 * @throws ConnectionSettingsError naming `insecure` when it asks for plaintext to an endpoint
 *   that is not loopback (the token or API key would cross the network unencrypted), or when it
 *   contradicts `caFile`.
 */
export function usesPlaintext(endpoint: string, settings: ConnectionSettings): boolean {
  const caFile = settings.caFile?.trim();
  if (settings.insecure === true && caFile) {
    throw new ConnectionSettingsError(
      `${settingName(settings, "insecure")} (plaintext) and ${settingName(settings, "caFile")} (TLS) contradict each other; set only one`,
      "insecure",
    );
  }
  const loopback = isLoopbackEndpoint(endpoint);
  if (settings.insecure === true && !loopback) {
    throw new ConnectionSettingsError(
      `${settingName(settings, "insecure")} asks for plaintext, which is allowed only for loopback endpoints (127.0.0.1, ::1, localhost, unix:): ` +
        `${endpoint.trim()} is not one, and the token or API key would cross the network unencrypted. Remove it and use TLS (${settingName(settings, "caFile")} for a private CA).`,
      "insecure",
    );
  }
  return settings.insecure ?? (!caFile && loopback);
}
