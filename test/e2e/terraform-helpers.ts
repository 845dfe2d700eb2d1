import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { installProvider } from "../../src/provider/install.js";
import type { InstallResult } from "../../src/provider/install.js";

/** Root of the checkout; the built provider is dist/src/provider/main.js (npm test builds first). */
export const repoRoot = resolve(import.meta.dirname, "../..");
export const builtProvider = join(repoRoot, "dist/src/provider/main.js");

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Installs the built provider into a fresh filesystem mirror under `directory` (offline CLI
 * config included) and returns the environment every terraform/cdktf command must run with:
 * our own TF_CLI_CONFIG_FILE (this machine names one that does not exist), CHECKPOINT_DISABLE.
 */
export function installForTests(directory: string): { install: InstallResult; env: NodeJS.ProcessEnv } {
  if (!existsSync(builtProvider)) throw new Error(`${builtProvider} is missing: run npm run build`);
  const install = installProvider({ mirrorDirectory: join(directory, "mirror"), cliConfigFile: join(directory, "terraform.rc"), providerMain: builtProvider });
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: install.cliConfigFile, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", TF_IN_AUTOMATION: "1" };
  for (const name of ["TF_LOG", "TF_LOG_PATH", "TF_DATA_DIR", "TF_WORKSPACE", "KEYFORM_ENDPOINT", "KEYFORM_TOKEN", "KEYFORM_API_KEY", "KEYFORM_INSECURE", "KEYFORM_CA_FILE", "KEYFORM_DATA_DIR"]) {
    delete env[name];
  }
  return { install, env };
}

/**
 * Runs a command asynchronously (never spawnSync: the API server may live in this very
 * process and must keep answering). Resolves with the exit code; never rejects on non-zero.
 */
export function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** `terraform <args>` with -no-color and -input=false where they apply. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const [command, ...rest] = args;
  const flags = ["init", "plan", "apply", "destroy", "import"].includes(command ?? "") ? ["-no-color", "-input=false"] : [];
  return run("terraform", [command ?? "", ...flags, ...rest], { cwd, env });
}

/** Throws with terraform's output when it failed: test failures then say why. */
export function expectSuccess(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** One line per provider process, written at Shutdown when KEYFORM_RPC_COUNTS_FILE is set. */
export interface ProviderRpcReport {
  readonly pid: number;
  readonly rpcs: Record<string, number>;
  readonly updateMasks: string[][];
}

/** Reads and removes the counts file; sums the RPCs of all provider processes. */
export function takeRpcReports(file: string): { reports: ProviderRpcReport[]; totals: Record<string, number>; updateMasks: string[][] } {
  const reports = existsSync(file)
    ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as ProviderRpcReport)
    : [];
  rmSync(file, { force: true });
  const totals: Record<string, number> = {};
  for (const report of reports) for (const [method, count] of Object.entries(report.rpcs)) totals[method] = (totals[method] ?? 0) + count;
  return { reports, totals, updateMasks: reports.flatMap((report) => report.updateMasks) };
}

/** The resources of a local terraform.tfstate, by address (`keyform_api_key.ci`). */
export function stateResources(directory: string): Record<string, Record<string, unknown>> {
  const state = JSON.parse(readFileSync(join(directory, "terraform.tfstate"), "utf8")) as {
    resources: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
  return Object.fromEntries(
    state.resources.filter((resource) => resource.mode === "managed").map((resource) => [`${resource.type}.${resource.name}`, resource.instances[0]?.attributes ?? {}]),
  );
}

/** A temp directory removed by the returned cleanup. */
export function tempDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes main.tf in `directory`. */
export function writeConfig(directory: string, hcl: string): void {
  writeFileSync(join(directory, "main.tf"), hcl);
}
