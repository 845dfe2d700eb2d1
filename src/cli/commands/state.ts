import type { Command } from "commander";
import { addLockOptions, addProjectOptions } from "../reconcile/session.js";

/** Registers `state list|show|rm` and `force-unlock` (implementations load lazily). */
export function register(program: Command): void {
  const state = program.command("state").description("inspect and edit the state file");
  addProjectOptions(state.command("list").description("list managed resources"))
    .action(async (flags) => (await import("../reconcile/state-commands.js")).stateListCommand(flags));
  addProjectOptions(state.command("show <address>").description("show one resource (secret masked)"))
    .option("--show-sensitive", "show the secret in clear")
    .action(async (address: string, flags) => (await import("../reconcile/state-commands.js")).stateShowCommand(address, flags));
  addLockOptions(addProjectOptions(state.command("rm <addresses...>").description("forget resources (their keys are not deleted)")))
    .action(async (addresses: string[], flags) => (await import("../reconcile/state-commands.js")).stateRmCommand(addresses, flags));

  program
    .command("force-unlock")
    .description("remove the state lock (after a crashed apply); says whose it was")
    .option("--dir <dir>", "project directory", ".")
    .option("--state <file>", "state file (default: keyform.state.json in the project directory)")
    .action(async (flags) => (await import("../reconcile/state-commands.js")).forceUnlockCommand(flags));
}
