/**
 * What the benches share: a synthesized stack written as `cdktf synth` would (so that
 * `keyform plan --dir <project>` finds it through cdktf.out/manifest.json), and the count of
 * the RPCs a keyform process traced.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../src/resource/index.js";

/** Name of the one stack the benches synthesize. */
export const BENCH_STACK = "bench";

/** A cdk.tf.json with the keyform provider and these `keyform_api_key` resources (by name). */
export function stackOfKeys(keys: Record<string, object>): Record<string, unknown> {
  return {
    terraform: { required_providers: { keyform: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } },
    provider: { keyform: [{}] },
    resource: { keyform_api_key: keys },
  };
}

/** Writes `stack` as `<project>/cdktf.out/stacks/bench/cdk.tf.json` and the manifest that names it. */
export function writeSynthesizedStack(project: string, stack: Record<string, unknown>): void {
  const stackPath = `stacks/${BENCH_STACK}/cdk.tf.json`;
  mkdirSync(path.join(project, "cdktf.out", path.dirname(stackPath)), { recursive: true });
  writeFileSync(path.join(project, "cdktf.out", stackPath), JSON.stringify(stack));
  const entry = { name: BENCH_STACK, constructPath: BENCH_STACK, workingDirectory: path.dirname(stackPath), synthesizedStackPath: stackPath, annotations: [], dependencies: [] };
  writeFileSync(path.join(project, "cdktf.out/manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { [BENCH_STACK]: entry } }));
}

/** RPCs by method, from the stderr of a keyform run with KEYFORM_TRACE=client (one line per attempt). */
export function countTracedRpcs(stderr: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of stderr.matchAll(/\[keyform:client\] \S+ (\S+) attempt=\d+ code=/g)) counts[match[1] as string] = (counts[match[1] as string] ?? 0) + 1;
  return counts;
}
