import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Root of the repository (examples and cdktf.json live there). */
export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The examples, each `examples/<name>/main.ts` synthesizing one stack named `<name>`. */
export const EXAMPLES = ["basic", "rotation", "multi-account", "age"] as const;

/** The parts of a synthesized stack these tests look at. */
export interface StackJson {
  readonly provider: { keyform: Record<string, unknown>[] };
  readonly resource: { keyform_api_key: Record<string, Record<string, unknown>> };
  readonly output: Record<string, { value: string; sensitive: boolean }>;
  readonly terraform: { required_providers: Record<string, unknown> };
}

/**
 * Runs an example app as `cdktf synth` would (CDKTF_OUTDIR set) and returns its stack's
 * cdk.tf.json. Throws with the app's stderr when synthesis fails.
 */
export function synthesizeExample(name: string, outDir: string): StackJson {
  fs.mkdirSync(outDir, { recursive: true });
  execFileSync(process.execPath, ["--import", "tsx", path.join("examples", name, "main.ts")], {
    cwd: repoRoot,
    // The age example reads KEYFORM_AGE_RECIPIENT; the tests use its built-in recipient.
    env: { ...process.env, CDKTF_OUTDIR: outDir, KEYFORM_AGE_RECIPIENT: "" },
    stdio: "pipe",
  });
  return readStack(outDir, name);
}

/** Reads `<outDir>/stacks/<stack>/cdk.tf.json` through manifest.json, as keyform does. */
export function readStack(outDir: string, stack: string): StackJson {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const entry = manifest.stacks[stack];
  if (!entry) throw new Error(`${outDir}/manifest.json has no stack ${stack} (stacks: ${Object.keys(manifest.stacks).join(", ")})`);
  return JSON.parse(fs.readFileSync(path.join(outDir, entry.synthesizedStackPath), "utf8")) as StackJson;
}
