/**
 * `npm run bench:provider-startup [-- N]`: starts the built provider N times (default 20) with
 * the environment Terraform gives it and measures exec -> handshake line on stdout, with TLS
 * (Terraform's default) and with TF_DISABLE_PLUGIN_TLS. Goal: under 300 ms. Build first.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../src/provider/handshake.js";

const providerBin = fileURLToPath(new URL("../bin/terraform-provider-keyform.js", import.meta.url));
const runs = Number(process.argv[2] ?? 20);
const goalMs = 300;

function startOnce(extraEnv: Record<string, string>, args: string[] = [providerBin]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", ...extraEnv },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("\n")) return;
      const elapsed = performance.now() - started;
      if (!/^1\|6\|unix\|[^|]+\|grpc\|/.test(output)) reject(new Error(`unexpected handshake line: ${output.slice(0, 80)}`));
      if (child.exitCode !== null) return resolve(elapsed);
      child.once("exit", () => resolve(elapsed));
      child.kill("SIGTERM");
    });
    child.once("error", reject);
  });
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((left, right) => left - right);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
  const median = at(0.5);
  return `${label.padEnd(14)} median ${median.toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${at(1).toFixed(0)} ms; median/goal ${(median / goalMs).toFixed(2)} (goal < ${goalMs} ms)`;
}

// The floor: node printing a handshake-shaped line with nothing loaded. On a busy machine every
// figure grows; compare the provider against this line rather than the absolute goal alone.
const NODE_ALONE = ["-e", 'process.stdout.write("1|6|unix|/x|grpc|\\n")'];
const variants: Array<[string, Record<string, string>, string[]?]> = [
  ["node alone", {}, NODE_ALONE],
  ["TLS", {}],
  ["plaintext", { TF_DISABLE_PLUGIN_TLS: "1" }],
];
console.log(`provider start-up: exec -> handshake line, ${runs} runs each (${providerBin})`);
for (const [label, env, args] of variants) {
  await startOnce(env, args); // warm the file cache
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) samples.push(await startOnce(env, args));
  console.log(summary(label, samples));
}
