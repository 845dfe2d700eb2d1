/**
 * `npm run bench:provider-startup [-- N]`: starts the provider N times (default 20) with the
 * environment Terraform gives it and measures exec -> handshake line on stdout: node on
 * bin/terraform-provider-keyform.js with TLS (Terraform's default) and with TF_DISABLE_PLUGIN_TLS,
 * and, as Terraform really runs it, the `#!/bin/sh` wrapper `keyform provider install` writes
 * (into a temp mirror) with a client certificate in PLUGIN_CLIENT_CERT, so that the server
 * verifies clients. Goal: under 300 ms. Build first.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mintServerCertificate } from "../src/provider/certificate.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../src/provider/handshake.js";
import { installProvider } from "../src/provider/install.js";
import { builtProvider, tempDirectory } from "../test/e2e/terraform-helpers.js";

const providerBin = fileURLToPath(new URL("../bin/terraform-provider-keyform.js", import.meta.url));
const runs = Number(process.argv[2] ?? 20);
const goalMs = 300;

/** Runs `executable` (node by default) with `args` once; resolves with the ms from exec to the handshake line. */
function startOnce(extraEnv: Record<string, string>, args: string[] = [providerBin], executable = process.execPath): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(executable, args, {
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
const temp = tempDirectory("keyform-bench-startup-");
try {
  const wrapper = installProvider({ mirrorDirectory: `${temp.path}/mirror`, cliConfigFile: `${temp.path}/terraform.rc`, providerMain: builtProvider }).executablePath;
  // Any certificate does as Terraform's: the provider only trusts it for client connections.
  const clientCertificate = (await mintServerCertificate()).certificatePem;
  const variants: Array<[string, Record<string, string>, string[]?, string?]> = [
    ["node alone", {}, NODE_ALONE],
    ["TLS", {}],
    ["plaintext", { TF_DISABLE_PLUGIN_TLS: "1" }],
    ["wrapper+mTLS", { PLUGIN_CLIENT_CERT: clientCertificate }, [], wrapper],
  ];
  console.log(`provider start-up: exec -> handshake line, ${runs} runs each (${providerBin}; wrapper ${wrapper})`);
  for (const [label, env, args, executable] of variants) {
    await startOnce(env, args, executable); // warm the file cache
    const samples: number[] = [];
    for (let index = 0; index < runs; index++) samples.push(await startOnce(env, args, executable));
    console.log(summary(label, samples));
  }
} finally {
  temp.remove();
}
