import { Testing, TerraformStack } from "cdktf";

/** The synthesized cdk.tf.json of a stack as plain JSON (cdktf's `//` metadata removed). */
export interface SynthesizedStack {
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: string; sensitive?: boolean; description?: string }>;
  readonly terraform?: { required_providers?: Record<string, unknown> };
}

/** A fresh stack in a Testing app. */
export function testStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "test");
}

/** Synthesizes `stack` with validations run, as real `app.synth()` does. */
export function synthesize(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

/** The synth-time validation error of `stack`, or "" when synthesis succeeds. */
export function validationError(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
