import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ExitError } from "../exit-error.js";
import type { ApiKeyClient } from "../../client/types.js";
import type { Observation } from "../../reconcile/refresh.js";
import type { DesiredState, Plan, StateFile } from "../../reconcile/types.js";
import { planningNow, projectDir } from "./session.js";
import type { ReconcileFlags } from "./session.js";

/** Options of commands that read the synthesized stack. */
export interface StackFlags extends ReconcileFlags {
  outDir?: string;
  stack?: string;
  synth?: boolean;
  refresh?: string;
}

/** Adds --out-dir, --stack, --synth and --refresh. */
export function addStackOptions(command: Command): Command {
  return command
    .option("--out-dir <dir>", "cdktf output directory, relative to the project directory", "cdktf.out")
    .option("--stack <name>", "stack to use when cdktf.out holds several")
    .option("--synth", "run `cdktf synth` (the app in cdktf.json) first")
    .option("--refresh <true|false>", "list the keys through the API before planning (false: trust the state file)", "true");
}

function refreshWanted(flags: StackFlags): boolean {
  const text = (flags.refresh ?? "true").toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new ExitError(`--refresh must be true or false (got "${flags.refresh}")`);
}

/** Synthesizes (with --synth) and loads the desired state of the stack. */
export async function loadDesired(flags: StackFlags): Promise<DesiredState> {
  const { findStack, loadDesiredState, runSynth } = await import("../../reconcile/load/index.js");
  const dir = projectDir(flags);
  const outDir = flags.synth ? (await runSynth(dir)).outDir : path.resolve(dir, flags.outDir ?? "cdktf.out");
  const { stack, file } = findStack({ outDir, stack: flags.stack });
  return loadDesiredState(file, stack);
}

/** The stack when one has been synthesized (or --synth), else null: import, refresh and destroy work without one. */
export async function loadDesiredIfSynthesized(flags: StackFlags): Promise<DesiredState | null> {
  if (!flags.synth && !existsSync(path.join(path.resolve(projectDir(flags), flags.outDir ?? "cdktf.out"), "manifest.json"))) return null;
  return loadDesired(flags);
}

/** An empty stack (no keys, no outputs): what destroy plans against when nothing is synthesized. */
export function emptyDesired(): DesiredState {
  return {
    stack: "(none)",
    file: "(no synthesized stack)",
    keys: [],
    listings: [],
    outputs: [],
    exclusive_service_accounts: [],
    provider: { endpoint: null, data_dir: null, insecure: null, ca_file: null },
  };
}

/** Lists the keys of every account the plan needs (or none with --refresh=false). */
export async function observe(client: ApiKeyClient, desired: DesiredState | null, state: StateFile, flags: StackFlags): Promise<Observation> {
  const { accountsToRefresh, refreshAccounts } = await import("../../reconcile/refresh.js");
  const accounts = refreshWanted(flags) ? accountsToRefresh(desired, state) : [];
  return refreshAccounts(client, accounts);
}

/** Refreshes and plans (`preventDestroyFromState`: see PlanInput). */
export async function makePlan(
  client: ApiKeyClient,
  desired: DesiredState,
  state: StateFile,
  flags: StackFlags,
  options: { preventDestroyFromState?: boolean } = {},
): Promise<{ plan: Plan; observation: Observation }> {
  const { planChanges } = await import("../../reconcile/plan/index.js");
  const observation = await observe(client, desired, state, flags);
  return { plan: planChanges({ desired, state, observed: observation.byAccount, now: planningNow(), ...options }), observation };
}

/** What `plan -out FILE` writes: the plan and the desired state it was made from (no secrets in either). */
export interface SavedPlan {
  readonly format: "keyform-saved-plan";
  readonly version: 1;
  readonly plan: Plan;
  readonly desired: DesiredState;
}

const WRITE_FAILURES: Record<string, string> = {
  ENOENT: "its directory does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent is not a directory",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
};

/**
 * Writes the plan file of `plan -out FILE` (mode 0600).
 * @throws ExitError naming -out and the file when it cannot be written.
 */
export async function savePlan(file: string, plan: Plan, desired: DesiredState): Promise<void> {
  const saved: SavedPlan = { format: "keyform-saved-plan", version: 1, plan, desired };
  try {
    await writeFile(file, `${JSON.stringify(saved)}\n`, { mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const why = WRITE_FAILURES[code] ? `${WRITE_FAILURES[code]} (${code})` : (error as Error).message;
    throw new ExitError(`-out ${file}: cannot write the plan file: ${why}; the plan was not saved`);
  }
}

/** Reads a saved plan; an unreadable or foreign file is an ExitError naming it. */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let saved: Partial<SavedPlan>;
  try {
    saved = JSON.parse(await readFile(file, "utf8")) as Partial<SavedPlan>;
  } catch (error) {
    throw new ExitError(`plan file ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (saved.format !== "keyform-saved-plan" || saved.version !== 1 || !saved.plan || !saved.desired) {
    throw new ExitError(`plan file ${file}: not a plan saved by \`keyform plan -out\` (format keyform-saved-plan, version 1)`);
  }
  return saved as SavedPlan;
}

/** Renders a plan as text (default), JSON (--json) or Markdown (--markdown). */
export async function renderPlan(plan: Plan, format: "text" | "json" | "markdown"): Promise<string> {
  const render = await import("../../reconcile/render/index.js");
  if (format === "json") return render.renderPlanJson(plan);
  if (format === "markdown") return render.renderPlanMarkdown(plan);
  // Colors only on a terminal, never in CI logs or when NO_COLOR is set.
  return render.renderPlanText(plan, { color: Boolean(process.stdout.isTTY) && !process.env.CI && !process.env.NO_COLOR });
}
