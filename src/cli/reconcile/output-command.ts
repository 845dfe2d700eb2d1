import { ExitError } from "../exit-error.js";
import { readStateUnlocked } from "./session.js";
import type { ReconcileFlags } from "./session.js";

export interface OutputFlags extends ReconcileFlags {
  json?: boolean;
  showSensitive?: boolean;
}

/**
 * `keyform output [NAME] [--json] [--show-sensitive]`: outputs recorded by the last apply.
 * Text masks sensitive values as `<sensitive>` unless --show-sensitive. --json is for
 * machines and, like `terraform output -json`, prints every value in clear (secrets included):
 * without NAME an object `{name: {sensitive, value}}`, with NAME the bare JSON value. With NAME
 * and no --json, the bare value (strings unquoted, like `terraform output -raw`).
 */
export async function outputCommand(name: string | undefined, flags: OutputFlags): Promise<void> {
  const { formatOutputValue, SENSITIVE_PLACEHOLDER } = await import("../../reconcile/outputs.js");
  const { file, state } = await readStateUnlocked(flags).catch((error: unknown) => {
    throw new ExitError((error as Error).message);
  });
  const outputs = state.outputs;
  const show = flags.showSensitive === true;
  if (name !== undefined) {
    const output = outputs[name];
    if (!output) throw new ExitError(`output "${name}" not found in ${file}; known outputs: ${Object.keys(outputs).sort().join(", ") || "none (run keyform apply)"}`);
    process.stdout.write(`${flags.json ? JSON.stringify(output.value) : formatOutputValue(output, show)}\n`);
    return;
  }
  const names = Object.keys(outputs).sort();
  if (flags.json) {
    const shown = Object.fromEntries(names.map((outputName) => [outputName, { sensitive: outputs[outputName]?.sensitive ?? false, value: outputs[outputName]?.value ?? null }]));
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  if (names.length === 0) {
    process.stderr.write(`No outputs in ${file}. Run keyform apply first.\n`);
    return;
  }
  for (const outputName of names) {
    const output = outputs[outputName] as { value: unknown; sensitive: boolean };
    process.stdout.write(`${outputName} = ${output.sensitive && !show ? SENSITIVE_PLACEHOLDER : JSON.stringify(output.value)}\n`);
  }
}
