import { readFileSync } from "node:fs";
import { Option } from "commander";
import type { Command } from "commander";
import { ExitError } from "./exit-error.js";
import type { ClientTuning, Connection, ConnectionSettings } from "../embedded/index.js";

/** Values of the options that addConnectionOptions adds, as commander parses them. */
export interface ConnectionFlags {
  endpoint?: string;
  tokenFile?: string;
  apiKeyFile?: string;
  caFile?: string;
  insecure?: boolean;
  dataDir?: string;
  /** Rejected: present only to say why (see addConnectionOptions). */
  token?: string;
  apiKey?: string;
}

/** How each setting is named in error messages of the CLI. */
const CLI_NAMES = {
  endpoint: "--endpoint (or KEYFORM_ENDPOINT)",
  token: "--token-file (or KEYFORM_TOKEN)",
  apiKey: "--api-key-file (or KEYFORM_API_KEY)",
  caFile: "--ca-file (or KEYFORM_CA_FILE)",
  insecure: "--insecure (or KEYFORM_INSECURE)",
  dataDir: "--data-dir (or KEYFORM_DATA_DIR)",
} as const;

/**
 * Adds the connection options shared by every command that talks to the API (api-key,
 * service-account, plan, apply, ...). Credentials come from files or the environment, never
 * from the command line, where other users could read them in `ps`: `--token` and `--api-key`
 * exist only (hidden) to fail with a message saying so.
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .option("--endpoint <host:port>", "API endpoint, e.g. iam.api.cloud.yandex.net:443 or unix:/path (env KEYFORM_ENDPOINT); none = the embedded store")
    .option("--token-file <file>", "file holding a bearer token (env KEYFORM_TOKEN holds the token itself)")
    .option("--api-key-file <file>", "file holding an API key secret (env KEYFORM_API_KEY holds the secret itself)")
    .option("--ca-file <file>", "PEM CA certificate to trust for TLS (env KEYFORM_CA_FILE)")
    .option("--insecure", "plaintext instead of TLS, for loopback endpoints only (env KEYFORM_INSECURE=1); the default there")
    .option("--no-insecure", "TLS even for a loopback endpoint (env KEYFORM_INSECURE=0)")
    .option("--data-dir <dir>", "data directory of the embedded store (env KEYFORM_DATA_DIR)", undefined)
    .addOption(new Option("--token <token>").hideHelp())
    .addOption(new Option("--api-key <secret>").hideHelp());
}

/** Output formats of commands that print API objects. */
export type OutputFormat = "text" | "json" | "yaml";

/**
 * Adds `--format text|json|yaml` (default text), as `yc` has it. Lives here rather than in
 * output-format.ts so that registering commands does not load protobuf and yaml (--help stays fast).
 */
export function addFormatOption(command: Command): Command {
  return command.addOption(new Option("--format <format>", "output format").choices(["text", "json", "yaml"]).default("text"));
}

/** A subcommand of `parent` that talks to the API: connection options plus --format. */
export function addApiCommand(parent: Command, name: string, description: string): Command {
  return addFormatOption(addConnectionOptions(parent.command(name).description(description)));
}

/**
 * The id of the object a command acts on, given as the positional argument or `--id` (as `yc`
 * accepts both).
 * @throws ExitError when neither is given, or both differ; `noun` names the object.
 */
export function resourceIdOf(positional: string | undefined, flagId: string | undefined, noun: string): string {
  if (positional !== undefined && flagId !== undefined && positional !== flagId) {
    throw new ExitError(`the ${noun} id is given twice, differently (argument "${positional}", --id "${flagId}"); give it once`);
  }
  const id = (positional ?? flagId ?? "").trim();
  if (!id) throw new ExitError(`missing ${noun} id: give it as an argument or with --id`);
  return id;
}

/**
 * The settings of the connection: environment first, flags over it. A credential given by
 * flag replaces both credential variables, so that `--api-key-file` works while KEYFORM_TOKEN
 * is exported.
 * @throws ExitError naming the flag for a credential on the command line or an unreadable file.
 */
export async function settingsFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionSettings> {
  if (flags.token !== undefined || flags.apiKey !== undefined) {
    const [flag, file, variable] = flags.token !== undefined ? ["--token", "--token-file", "KEYFORM_TOKEN"] : ["--api-key", "--api-key-file", "KEYFORM_API_KEY"];
    throw new ExitError(`${flag} is not accepted: a credential on the command line is visible to other users (ps). Use ${file} FILE or ${variable}.`);
  }
  const { settingsFromEnvironment, ConnectionSettingsError } = await import("../embedded/settings.js");
  let settings: ConnectionSettings;
  try {
    settings = settingsFromEnvironment(env);
  } catch (error) {
    if (error instanceof ConnectionSettingsError) throw new ExitError(error.message);
    throw error;
  }
  if (flags.tokenFile !== undefined && flags.apiKeyFile !== undefined) {
    throw new ExitError("--token-file and --api-key-file are both given; give only one");
  }
  if (flags.tokenFile !== undefined) settings = { ...settings, token: readCredentialFile(flags.tokenFile, "--token-file"), apiKey: undefined };
  if (flags.apiKeyFile !== undefined) settings = { ...settings, apiKey: readCredentialFile(flags.apiKeyFile, "--api-key-file"), token: undefined };
  return {
    ...settings,
    endpoint: flags.endpoint ?? settings.endpoint,
    caFile: flags.caFile ?? settings.caFile,
    insecure: flags.insecure ?? settings.insecure,
    dataDir: flags.dataDir ?? settings.dataDir,
    names: CLI_NAMES,
  };
}

/**
 * Opens the connection the flags and environment describe (see connect in src/embedded).
 * @throws ExitError with a message naming the flag or variable to fix.
 */
export async function connectFromOptions(flags: ConnectionFlags, tuning?: ClientTuning): Promise<Connection> {
  const settings = await settingsFromFlags(flags);
  const { connect, ConnectionSettingsError } = await import("../embedded/index.js");
  try {
    return await connect(settings, tuning);
  } catch (error) {
    if (error instanceof ConnectionSettingsError) throw new ExitError(error.message);
    throw error;
  }
}

/**
 * Runs `body` with an open connection and always closes it. API errors become ExitErrors
 * carrying the ApiError's message (which names the code and never a credential); when an
 * INVALID_ARGUMENT names a request field listed in `fieldFlags` (`description` ->
 * `--description`), the message says which flag set it.
 */
export async function withConnection<T>(
  flags: ConnectionFlags,
  body: (connection: Connection) => Promise<T>,
  fieldFlags: Readonly<Record<string, string>> = {},
): Promise<T> {
  const connection = await connectFromOptions(flags);
  try {
    return await body(connection);
  } catch (error) {
    const { ApiError, Code } = await import("../api-error.js");
    if (!(error instanceof ApiError)) throw error;
    const field = /^([a-z_]+)/.exec(error.rawMessage)?.[1];
    const flag = error.code === Code.INVALID_ARGUMENT && field ? fieldFlags[field] : undefined;
    throw new ExitError(`${error.message}${flag ? ` (set by ${flag})` : ""} [${connection.description}]`);
  } finally {
    await connection.close();
  }
}

function readCredentialFile(path: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new ExitError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  if (!text) throw new ExitError(`${flag}: ${path} is empty`);
  if (/\s/.test(text)) throw new ExitError(`${flag}: ${path} must hold exactly one credential (found whitespace inside)`);
  return text;
}
