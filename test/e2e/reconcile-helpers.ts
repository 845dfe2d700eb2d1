import { spawn } from "node:child_process";
import path from "node:path";
import type { FixtureSpec } from "../fixtures/apps/reconcile/main.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const fixtureApp = path.join(repoRoot, "test/fixtures/apps/reconcile");
const keyformBin = path.join(repoRoot, "bin/keyform.js");

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the kill of `killAfterMatchMs` ended the process (it had not exited by itself first). */
  readonly killed: boolean;
  /** Milliseconds from the first stderr match of `watchStderr` to the exit; null without a match. */
  readonly msFromMatchToExit: number | null;
}

/** Options of `run`. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Watched on stderr: measures the time from its first match to exit (msFromMatchToExit). */
  readonly watchStderr?: RegExp;
  /** With watchStderr: sends SIGKILL this long after its first match. */
  readonly killAfterMatchMs?: number;
}

/**
 * Runs a command asynchronously (the API server lives in the test process, so a synchronous
 * spawn would deadlock it); see RunOptions for the kill hook used by the crash tests.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let matchedAt: number | null = null;
    let killSent = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (matchedAt !== null || !options.watchStderr?.test(stderr)) return;
      matchedAt = performance.now();
      if (options.killAfterMatchMs === undefined) return;
      timer = setTimeout(() => {
        killSent = child.kill("SIGKILL");
      }, options.killAfterMatchMs);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      // A process that exited just before the kill may not be reaped yet: the kill then "succeeds"
      // on a process already gone, and only the exit status tells which came first.
      resolve({ code, signal, stdout, stderr, killed: killSent && signal === "SIGKILL", msFromMatchToExit: matchedAt === null ? null : performance.now() - matchedAt });
    });
  });
}

/** Where one test's CLI runs point: the server, the synthesized output and the state file. */
export interface CliTarget {
  readonly endpoint: string;
  readonly token: string;
  readonly outDir: string;
  readonly stateFile: string;
  /** Set: the embedded store in this directory, run inside the CLI's process (endpoint and token unused). */
  readonly dataDir?: string;
}

/** `node bin/keyform.js <args>` against the target (endpoint by flag, token by environment; or --data-dir). */
export function keyform(
  target: CliTarget,
  args: readonly string[],
  extra: { env?: NodeJS.ProcessEnv; stack?: boolean } & Pick<RunOptions, "watchStderr" | "killAfterMatchMs"> = {},
): Promise<RunResult> {
  const command = args[0] ?? "";
  const takesStack = ["plan", "apply", "destroy", "refresh", "import"].includes(command) && extra.stack !== false;
  const stackFlags = takesStack ? ["--dir", fixtureApp, "--out-dir", target.outDir] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, KEYFORM_TOKEN: target.token, KEYFORM_TRACE: "", CI: "true", ...extra.env };
  delete env.KEYFORM_API_KEY;
  if (target.dataDir !== undefined) delete env.KEYFORM_TOKEN;
  const connectionFlags = target.dataDir !== undefined ? ["--data-dir", target.dataDir] : ["--endpoint", target.endpoint];
  const endpointFlags = command === "force-unlock" ? [] : connectionFlags;
  return run(process.execPath, [keyformBin, ...args, ...stackFlags, "--state", target.stateFile, ...endpointFlags], {
    env,
    watchStderr: extra.watchStderr,
    killAfterMatchMs: extra.killAfterMatchMs,
  });
}

/**
 * Synthesizes the fixture app for `spec` into outDir: with `real`, through `npx cdktf synth`
 * (what users run); otherwise by running the app the way cdktf synth does (CDKTF_OUTDIR set),
 * which is the same code path and several seconds faster.
 */
export async function synthesize(spec: FixtureSpec, outDir: string, real = false): Promise<void> {
  const env = { ...process.env, KEYFORM_FIXTURE_SPEC: JSON.stringify(spec), CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CDKTF_OUTDIR: outDir };
  const result = real
    ? await run("npx", ["cdktf", "synth", "--output", outDir], { cwd: fixtureApp, env })
    : await run(process.execPath, ["--import", "tsx", "main.ts"], { cwd: fixtureApp, env });
  if (result.code !== 0) throw new Error(`synth failed (${result.code}): ${result.stderr.slice(-2000)}${result.stdout.slice(-2000)}`);
}
