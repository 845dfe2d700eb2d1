import type { Command } from "commander";
import { addLockOptions, addProjectOptions } from "../reconcile/session.js";
import { addStackOptions } from "../reconcile/planning.js";

/**
 * Terraform spells some flags with one dash (`-out=FILE`, `-detailed-exitcode`); commander
 * takes only `--long` options. Rewrites those spellings so both work. Pure.
 */
export function normalizeTerraformFlags(argv: readonly string[]): string[] {
  const singleDash = new Set(["-out", "-detailed-exitcode", "-auto-approve", "-json", "-refresh", "-parallelism", "-state", "-force-unlock"]);
  return argv.map((argument) => {
    const [name, ...value] = argument.split("=");
    if (name !== undefined && singleDash.has(name)) return [`-${name}`, ...value].join("=");
    return argument;
  });
}

const withStack = (command: Command) => addStackOptions(addProjectOptions(command));

/** Registers plan, apply, destroy, refresh, output and import (implementations load lazily). */
export function register(program: Command): void {
  withStack(program.command("plan").description("show what apply would change (reads cdktf.out, lists keys through the API)"))
    .option("--json", "print the plan as JSON (terraform show -json shape)")
    .option("--markdown", "print the plan as Markdown (for a pull-request comment)")
    .option("--out <file>", "save the plan to FILE (also -out=FILE) to apply exactly it later")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .action(async (flags) => (await import("../reconcile/plan-command.js")).planCommand(flags));

  addLockOptions(withStack(program.command("apply [planfile]").description("apply the plan (or a saved plan file exactly)")))
    .option("--auto-approve", "apply without asking (required without a terminal)")
    .option("--parallelism <n>", "changes in flight at once", "16")
    .action(async (planFile: string | undefined, flags) => (await import("../reconcile/apply-command.js")).applyCommand(planFile, flags));

  addLockOptions(withStack(program.command("destroy").description("delete every key this state manages")))
    .option("--auto-approve", "destroy without asking (required without a terminal)")
    .option("--parallelism <n>", "changes in flight at once", "16")
    .action(async (flags) => (await import("../reconcile/apply-command.js")).destroyCommand(flags));

  addLockOptions(withStack(program.command("refresh").description("record in state what the API reports (deleted or changed keys)")))
    .action(async (flags) => (await import("../reconcile/import-refresh.js")).refreshCommand(flags));

  addProjectOptions(program.command("output [name]").description("show outputs of the last apply (sensitive values masked)"))
    .option("--json", "print as JSON for scripts, values in clear (like terraform output -json)")
    .option("--show-sensitive", "show sensitive values (secrets) in clear")
    .action(async (name: string | undefined, flags) => (await import("../reconcile/output-command.js")).outputCommand(name, flags));

  addLockOptions(withStack(program.command("import <address> <key-id>").description("adopt an existing key (its secret stays unknown)")))
    .action(async (address: string, keyId: string, flags) => (await import("../reconcile/import-refresh.js")).importCommand(address, keyId, flags));
}
