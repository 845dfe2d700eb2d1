import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { createTracer } from "../../client/trace.js";

/** How many trailing lines of a failed synth's stderr the error quotes. */
const STDERR_TAIL_LINES = 30;

/** Thrown when `cdktf synth` cannot run or fails; the message ends with its stderr tail. */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynthError";
  }
}

/**
 * Runs `npx --no-install cdktf synth` in projectDir (for `--synth`), with CHECKPOINT_DISABLE=1
 * and DISABLE_VERSION_CHECK=1, so that nothing is fetched (cdktf-cli must be installed in the
 * project or above it), output captured (not printed). Returns
 * the output directory the app synthesizes to (cdktf.json `output`, default `cdktf.out`),
 * resolved against projectDir.
 *
 * @throws SynthError when projectDir has no cdktf.json, or synth exits non-zero (message ends
 *   with the last lines of its stderr).
 */
export async function runSynth(projectDir: string): Promise<{ outDir: string }> {
  const configFile = path.join(projectDir, "cdktf.json");
  if (!existsSync(configFile)) throw new SynthError(`${configFile} not found: --synth needs a CDKTF project (cdktf.json says which app to run)`);
  let output = "cdktf.out";
  try {
    const config = JSON.parse(readFileSync(configFile, "utf8")) as { output?: unknown };
    if (typeof config.output === "string" && config.output !== "") output = config.output;
  } catch (error) {
    throw new SynthError(`${configFile} is not valid JSON: ${(error as Error).message}`);
  }
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const trace = createTracer("load");
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    execFile(
      npx,
      ["--no-install", "cdktf", "synth"],
      { cwd: projectDir, env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" }, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const tail = stripVTControlCharacters(String(stderr)).trimEnd().split("\n").slice(-STDERR_TAIL_LINES).join("\n");
        reject(new SynthError(`\`cdktf synth\` failed in ${projectDir} (${error.code ?? error.message})${tail ? `:\n${tail}` : ""}`));
      },
    );
  });
  trace(`cdktf synth in ${projectDir} took ${(performance.now() - started).toFixed(0)} ms`);
  return { outDir: path.resolve(projectDir, output) };
}
