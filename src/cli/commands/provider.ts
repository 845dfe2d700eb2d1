import type { Command } from "commander";
import { ExitError } from "../exit-error.js";

/**
 * `keyform provider install`: makes terraform and cdktf find terraform-provider-keyform
 * without a registry (a filesystem mirror plus a CLI config that uses only it).
 */
export function register(program: Command): void {
  const provider = program.command("provider").description("The Terraform provider keyform.dev/keyform/keyform (terraform-provider-keyform)");
  provider
    .command("install")
    .description("Write a filesystem mirror holding the provider and a Terraform CLI config that uses only it; print the environment to export")
    .option("--mirror <dir>", "filesystem mirror directory", ".keyform/terraform-mirror")
    .option("--cli-config <file>", "Terraform CLI configuration file to write", ".keyform/terraform.rc")
    .action(async (options: { mirror: string; cliConfig: string }) => {
      const { installProvider } = await import("../../provider/install.js");
      let result;
      try {
        result = installProvider({ mirrorDirectory: options.mirror, cliConfigFile: options.cliConfig });
      } catch (error) {
        throw new ExitError(`provider install: ${(error as Error).message}`);
      }
      process.stderr.write(`Installed ${result.executablePath}\nWrote ${result.cliConfigFile}\nRun terraform or cdktf with:\n`);
      process.stdout.write(`${result.environment.join("\n")}\n`);
    });
}
