import { readFileSync } from "node:fs";
import path from "node:path";

/** Thrown when cdktf.out has no usable stack; the message says which stacks exist and what to pass. */
export class StackSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackSelectionError";
  }
}

/**
 * Finds the synthesized stack to read through `<outDir>/manifest.json` (written by
 * `cdktf synth`). With one stack, `stack` may be omitted; with several it must name one.
 * Returns the stack name and the path of its cdk.tf.json (joined onto outDir).
 *
 * @throws StackSelectionError when the manifest is missing or unreadable, lists no stack, does
 *   not have the named stack, or has several and none was named (the message lists them).
 */
export function findStack(options: { readonly outDir: string; readonly stack?: string | undefined }): { stack: string; file: string } {
  const manifestFile = path.join(options.outDir, "manifest.json");
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: unknown }> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as typeof manifest;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new StackSelectionError(
      missing
        ? `${manifestFile} not found: run \`cdktf synth\` first (or pass --synth)`
        : `${manifestFile} cannot be read: ${(error as Error).message}; run \`cdktf synth\` again`,
    );
  }
  const stacks = manifest.stacks !== null && typeof manifest.stacks === "object" ? manifest.stacks : {};
  const names = Object.keys(stacks).sort();
  if (names.length === 0) throw new StackSelectionError(`${manifestFile} lists no stack: does the app create a TerraformStack?`);
  const listed = names.join(", ");
  let name: string;
  if (options.stack !== undefined) {
    if (!names.includes(options.stack)) throw new StackSelectionError(`stack "${options.stack}" not found in ${manifestFile}; its stacks: ${listed}`);
    name = options.stack;
  } else if (names.length > 1) {
    throw new StackSelectionError(`${manifestFile} has ${names.length} stacks (${listed}): pick one with --stack <name>`);
  } else {
    name = names[0] as string;
  }
  const synthesized = stacks[name]?.synthesizedStackPath;
  const relative = typeof synthesized === "string" ? synthesized : path.join("stacks", name, "cdk.tf.json");
  return { stack: name, file: path.join(options.outDir, relative) };
}
