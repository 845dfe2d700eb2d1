import type { ApiKeyClient } from "../../client/types.js";
import type { ApplyResult, RecoveryResult } from "../../reconcile/apply/index.js";
import type { StateStore } from "../../reconcile/state/index.js";
import type { DesiredState, ResourceChange } from "../../reconcile/types.js";
import { ExitError } from "../exit-error.js";
import { interruptible } from "./session.js";

/** Parses --parallelism (a positive integer, default 16). */
export function parallelismOf(text: string | undefined): number {
  if (text === undefined) return 16;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new ExitError(`--parallelism must be an integer from 1 to 1000 (got "${text}")`);
  return value;
}

/** The client apply and destroy mutate through (with the KEYFORM_CRASH_AFTER_RPC test hook when set). */
export async function mutatingClient(client: ApiKeyClient): Promise<ApiKeyClient> {
  const { withCrashAfterRpcHook } = await import("../../reconcile/apply/index.js");
  return withCrashAfterRpcHook(client);
}

/**
 * Resolves what an interrupted apply left behind (pending creates, deposed keys), at most
 * `parallelism` resources at once, with progress on stderr.
 */
export async function recover(client: ApiKeyClient, store: StateStore, parallelism: number): Promise<RecoveryResult> {
  // Plain lines even on a terminal: recovery is rare and worth a line each (no bar to start).
  const { recoverInterruptedWork, linesProgress } = await import("../../reconcile/apply/index.js");
  return recoverInterruptedWork(client, store, linesProgress(), { parallelism });
}

/**
 * Applies `changes`, then evaluates and records the outputs (listings are listed again, so
 * that they show the keys as they are now). Prints Terraform's summary line and the outputs
 * (sensitive ones masked) to stdout, and every failed change to stderr.
 * @throws ExitError (exit 1) when any change or recovery step failed; the rest was applied.
 */
export async function applyAndRecord(options: {
  client: ApiKeyClient;
  store: StateStore;
  desired: DesiredState;
  changes: readonly ResourceChange[];
  parallelism: number;
  recovery: RecoveryResult;
  verb?: "Apply" | "Destroy";
}): Promise<ApplyResult> {
  const { applyChanges, progressFor } = await import("../../reconcile/apply/index.js");
  const { refreshAccounts } = await import("../../reconcile/refresh.js");
  const { evaluateOutputs, listingValues } = await import("../../reconcile/outputs.js");
  const { declaredPreventDestroy } = await import("../../reconcile/state/index.js");
  const { client, store, desired } = options;
  // First Ctrl-C: start nothing new, let changes in flight finish and be recorded (see interruptible).
  const result = await interruptible((signal) =>
    applyChanges(client, store, options.changes, {
      parallelism: options.parallelism,
      progress: progressFor(),
      resolvedAddresses: options.recovery.resolvedAddresses,
      protectedKeyIds: options.recovery.recoveredKeyIds,
      signal,
      preventDestroy: declaredPreventDestroy(desired),
    }),
  );
  const listingAccounts = [...new Set(desired.listings.map((listing) => listing.service_account_id))];
  const observation = await refreshAccounts(client, listingAccounts);
  const { values, problems } = evaluateOutputs(desired.outputs, store.current(), listingValues(desired, observation.byAccount));
  // Unchanged outputs are not written again: an apply with nothing to do leaves the serial alone.
  if (JSON.stringify(values) !== JSON.stringify(store.current().outputs)) {
    await store.update((draft) => {
      draft.outputs = values;
    });
  }
  const errors = [...options.recovery.errors, ...result.errors];
  const verb = options.verb ?? "Apply";
  if (errors.length === 0) {
    process.stdout.write(`\n${verb} complete! Resources: ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed.\n`);
  } else {
    process.stdout.write(`\n${verb} finished with errors. Resources: ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed.\n`);
  }
  await printOutputs(values);
  for (const problem of problems) process.stderr.write(`Warning: ${problem}\n`);
  if (errors.length > 0) {
    const failed = errors.filter((error) => !error.notStarted);
    const notStarted = errors.length - failed.length;
    for (const error of failed) process.stderr.write(`Error: ${error.address}: ${error.message}\n`);
    if (notStarted > 0) process.stderr.write(`Interrupted: ${notStarted} change(s) were not started; run keyform apply again to finish.\n`);
    const what = [failed.length > 0 ? `${failed.length} change(s) failed` : null, notStarted > 0 ? `${notStarted} not started` : null].filter(Boolean).join(", ");
    throw new ExitError(`${what}; everything else was applied and recorded in ${store.file}`);
  }
  return result;
}

/** `Outputs:` block as Terraform prints it after apply, sensitive values masked. */
export async function printOutputs(values: Readonly<Record<string, { value: unknown; sensitive: boolean }>>): Promise<void> {
  const { SENSITIVE_PLACEHOLDER } = await import("../../reconcile/outputs.js");
  const names = Object.keys(values).sort();
  if (names.length === 0) return;
  process.stdout.write("\nOutputs:\n\n");
  for (const name of names) {
    const output = values[name] as { value: unknown; sensitive: boolean };
    process.stdout.write(`${name} = ${output.sensitive ? SENSITIVE_PLACEHOLDER : JSON.stringify(output.value)}\n`);
  }
}
