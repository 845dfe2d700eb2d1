import { createInterface } from "node:readline/promises";
import { ExitError } from "../exit-error.js";
import type { DesiredState } from "../../reconcile/types.js";
import { applyAndRecord, mutatingClient, parallelismOf, recover } from "./apply-run.js";
import { emptyDesired, loadDesired, loadDesiredIfSynthesized, makePlan, readSavedPlan, renderPlan } from "./planning.js";
import type { StackFlags } from "./planning.js";
import { asExitError, withApi, withLockedState } from "./session.js";

export interface ApplyFlags extends StackFlags {
  autoApprove?: boolean;
  parallelism?: string;
}

/** Asks "yes" on a terminal; without one (CI, pipes) refuses unless --auto-approve was given. */
async function confirm(question: string, flags: ApplyFlags): Promise<void> {
  if (flags.autoApprove) return;
  if (!process.stdin.isTTY) {
    throw new ExitError("no terminal to confirm on: pass --auto-approve to apply without confirmation, or apply a saved plan (keyform plan -out FILE; keyform apply FILE)");
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`\n${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    if (answer.trim() !== "yes") throw new ExitError("cancelled: nothing was changed");
  } finally {
    prompt.close();
  }
}

/**
 * `keyform apply [PLANFILE]`. Without a file: lock, finish interrupted work, refresh, plan,
 * show the plan, confirm, apply, record outputs. With a file: apply exactly that plan, refused
 * when the state's lineage or serial moved since it was made.
 */
export async function applyCommand(planFile: string | undefined, flags: ApplyFlags): Promise<void> {
  const parallelism = parallelismOf(flags.parallelism);
  try {
    if (planFile) return await applySavedPlan(planFile, flags, parallelism);
    const desired = await loadDesired(flags);
    await withLockedState(flags, "apply", (store) =>
      withApi(flags, desired, async (connection) => {
        const client = await mutatingClient(connection.client);
        const recovery = await recover(client, store, parallelism);
        const { plan } = await makePlan(client, desired, store.current(), flags);
        process.stdout.write(await renderPlan(plan, "text"));
        if (plan.has_changes) await confirm("Do you want to perform these actions?", flags);
        await applyAndRecord({ client, store, desired, changes: plan.resource_changes, parallelism, recovery });
      }),
    );
  } catch (error) {
    await asExitError(error);
  }
}

async function applySavedPlan(planFile: string, flags: ApplyFlags, parallelism: number): Promise<void> {
  const { plan, desired } = await readSavedPlan(planFile);
  await withLockedState(flags, `apply ${planFile}`, async (store) => {
    const state = store.current();
    const prior = plan.prior_state;
    if (prior.lineage !== state.lineage || prior.serial !== state.serial) {
      // A plan made before the first apply has serial 0 and a lineage no file ever had.
      const fresh = prior.serial === 0 && state.serial === 0;
      if (!fresh) {
        throw new ExitError(
          `plan file ${planFile} was made against state ${prior.lineage} serial ${prior.serial}, but ${store.file} is now ${state.lineage} serial ${state.serial}: run keyform plan again`,
        );
      }
    }
    await withApi(flags, desired, async (connection) => {
        const client = await mutatingClient(connection.client);
      const recovery = await recover(client, store, parallelism);
      await applyAndRecord({ client, store, desired, changes: plan.resource_changes, parallelism, recovery });
    });
  });
}

/** The stack with nothing declared: planning it deletes every managed key (exclusive accounts are not swept). */
export function destroyTarget(desired: DesiredState): DesiredState {
  return { ...desired, keys: [], listings: [], outputs: [], exclusive_service_accounts: [] };
}

/**
 * `keyform destroy`: deletes every key in state. Refused (nothing changed) when a key in state
 * is protected by prevent_destroy: as the stack declares it, or without a synthesized stack as
 * state recorded it at the last apply.
 */
export async function destroyCommand(flags: ApplyFlags): Promise<void> {
  const parallelism = parallelismOf(flags.parallelism);
  try {
    const synthesized = await loadDesiredIfSynthesized(flags);
    const desired = synthesized ?? emptyDesired();
    const { protectedForDestroy } = await import("../../reconcile/state/index.js");
    await withLockedState(flags, "destroy", (store) =>
      withApi(flags, desired, async (connection) => {
        const client = await mutatingClient(connection.client);
        const { addresses, source } = protectedForDestroy(synthesized, store.current());
        if (addresses.length > 0) {
          const why = source === "configuration" ? "set lifecycle.prevent_destroy" : "had lifecycle.prevent_destroy at the last apply (recorded in state; no stack is synthesized)";
          throw new ExitError(`refusing to destroy: ${addresses.join(", ")} ${why}; nothing was changed. Apply them without prevent_destroy first, or stop managing them with keyform state rm`);
        }
        const recovery = await recover(client, store, parallelism);
        const target = destroyTarget(desired);
        // Without a stack, the planner also honours state's records (a pending create recovered just now included).
        const { plan } = await makePlan(client, target, store.current(), flags, { preventDestroyFromState: synthesized === null });
        process.stdout.write(await renderPlan(plan, "text"));
        if (plan.has_changes) await confirm("Do you really want to destroy all keys keyform manages in this state?", flags);
        await applyAndRecord({ client, store, desired: target, changes: plan.resource_changes, parallelism, recovery, verb: "Destroy" });
      }),
    );
  } catch (error) {
    await asExitError(error);
  }
}
