import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION } from "../resource/index.js";

export interface InstallOptions {
  /** Filesystem mirror root (created if missing). */
  readonly mirrorDirectory: string;
  /** Terraform CLI configuration file to write. */
  readonly cliConfigFile: string;
  /** Node executable the wrapper execs; default: the one running now. */
  readonly nodePath?: string;
  /** Built provider entry point; default: dist/src/provider/main.js of this checkout. */
  readonly providerMain?: string;
}

export interface InstallResult {
  readonly executablePath: string;
  readonly mirrorDirectory: string;
  readonly cliConfigFile: string;
  /** Shell lines to run so that terraform and cdktf use the mirror, offline. */
  readonly environment: readonly string[];
}

/** `linux_amd64`, `darwin_arm64`: Terraform's platform directory name for this machine. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform === "win32" ? "windows" : platform}_${goArch[arch] ?? arch}`;
}

/** The wrapper script: `exec` so that Terraform's signals reach node. Stable content, stable lock hash. */
export function wrapperScript(nodePath: string, providerMain: string): string {
  return `#!/bin/sh\n# terraform-provider-keyform ${PROVIDER_VERSION}, written by \`keyform provider install\`.\nexec ${shellQuote(nodePath)} ${shellQuote(providerMain)} "$@"\n`;
}

/** A CLI configuration that installs keyform.dev/* providers from the mirror only: no registry, offline. */
export function cliConfiguration(mirrorDirectory: string): string {
  return [
    "# Written by `keyform provider install`: Terraform installs keyform.dev/*/* from this",
    "# filesystem mirror only (no registry access; other providers are not installable).",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDirectory)}`,
    `    include = [${JSON.stringify(`${PROVIDER_HOST}/*/*`)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Writes `<mirror>/keyform.dev/keyform/keyform/<version>/<platform>/terraform-provider-keyform`
 * (a shell wrapper that execs node on the built provider of this checkout) and the CLI config.
 * Files are rewritten only when their content differs, so `.terraform.lock.hcl` hashes stay valid.
 * @throws Error when the provider is not built (run `npm run build`).
 */
export function installProvider(options: InstallOptions): InstallResult {
  const providerMain = resolve(options.providerMain ?? fileURLToPath(new URL("./main.js", import.meta.url)));
  if (!existsSync(providerMain) || providerMain.endsWith(".ts")) {
    throw new Error(`the built provider ${providerMain.replace(/\.ts$/, ".js")} is missing: run \`npm run build\` first`);
  }
  const mirrorDirectory = resolve(options.mirrorDirectory);
  const cliConfigFile = resolve(options.cliConfigFile);
  const executablePath = join(mirrorDirectory, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION, terraformPlatform(), `terraform-provider-${PROVIDER_TYPE}`);
  writeIfChanged(executablePath, wrapperScript(options.nodePath ?? process.execPath, providerMain));
  chmodSync(executablePath, 0o755);
  writeIfChanged(cliConfigFile, cliConfiguration(mirrorDirectory));
  return {
    executablePath,
    mirrorDirectory,
    cliConfigFile,
    environment: [`export TF_CLI_CONFIG_FILE=${shellQuote(cliConfigFile)}`, "export CHECKPOINT_DISABLE=1"],
  };
}

function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, "utf8") === content) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
