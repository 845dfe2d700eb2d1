import { ExitError } from "../exit-error.js";
import { loadDesired, makePlan, renderPlan, savePlan } from "./planning.js";
import type { StackFlags } from "./planning.js";
import { asExitError, readStateUnlocked, withApi } from "./session.js";

export interface PlanFlags extends StackFlags {
  json?: boolean;
  markdown?: boolean;
  out?: string;
  detailedExitcode?: boolean;
}

/**
 * `keyform plan`: load the stack, refresh, plan, print (text, --json or --markdown) to stdout,
 * optionally save (-out FILE). Reads the state without locking and changes nothing.
 * With --detailed-exitcode the process exits 2 when there are changes (0 none, 1 error).
 */
export async function planCommand(flags: PlanFlags): Promise<void> {
  if (flags.json && flags.markdown) throw new ExitError("--json and --markdown are both given; choose one");
  try {
    const desired = await loadDesired(flags);
    const { state } = await readStateUnlocked(flags);
    const { plan } = await withApi(flags, desired, (connection) => makePlan(connection.client, desired, state, flags));
    const text = await renderPlan(plan, flags.json ? "json" : flags.markdown ? "markdown" : "text");
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    if (flags.out) {
      await savePlan(flags.out, plan, desired);
      process.stderr.write(`Saved the plan to ${flags.out}. Apply exactly it with: keyform apply ${flags.out}\n`);
    }
    if (flags.detailedExitcode && plan.has_changes) process.exitCode = 2;
  } catch (error) {
    await asExitError(error);
  }
}
