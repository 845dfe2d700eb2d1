import { Command, CommanderError } from "commander";
import { ExitError } from "./exit-error.js";
import { PROVIDER_VERSION } from "../resource/provider.js";
import * as serve from "./commands/serve.js";
import * as apiKey from "./commands/api-key.js";
import * as serviceAccount from "./commands/service-account.js";
import * as planApply from "./commands/plan-apply.js";
import * as state from "./commands/state.js";
import * as provider from "./commands/provider.js";

/**
 * The `keyform` command. Each command module registers itself and imports its heavy
 * dependencies lazily inside its action, so that `--help` stays instant.
 */
export function buildProgram(): Command {
  const program = new Command("keyform")
    .description("Declarative IAM API keys: plan, apply, secrets in state. Ships its own ApiKeyService.")
    .version(PROVIDER_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const module of [planApply, state, serve, apiKey, serviceAccount, provider]) module.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(planApply.normalizeTerraformFlags(argv), { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ExitError) {
      if (error.message) process.stderr.write(`Error: ${error.message}\n`);
      return error.exitCode;
    }
    // Anything else is a bug: show its message (never a secret: commands do not put secrets in errors).
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.KEYFORM_TRACE) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
    return 1;
  }
}
