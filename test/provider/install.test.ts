import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installProvider, terraformPlatform } from "../../src/provider/install.js";
import { defaultDataDirectory } from "../../src/provider/provider-context.js";

const directory = mkdtempSync(join(tmpdir(), "keyform-install-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("terraformPlatform", () => {
  it.each([
    { reason: "linux x64", platform: "linux", arch: "x64", want: "linux_amd64" },
    { reason: "mac arm", platform: "darwin", arch: "arm64", want: "darwin_arm64" },
  ] as const)("$reason", ({ platform, arch, want }) => {
    expect(terraformPlatform(platform, arch)).toBe(want);
  });
});

describe("installProvider", () => {
  const providerMain = join(directory, "built main.js");
  writeFileSync(providerMain, "");
  const result = installProvider({ mirrorDirectory: join(directory, "mirror"), cliConfigFile: join(directory, "tf.rc"), nodePath: "/usr/bin/node", providerMain });

  it("writes the wrapper where an unpacked filesystem mirror has it, executable, exec'ing node", () => {
    expect(result.executablePath).toBe(join(directory, "mirror", "keyform.dev/keyform/keyform/0.1.0", terraformPlatform(), "terraform-provider-keyform"));
    // The path holds a space, so it is single-quoted for sh.
    expect(readFileSync(result.executablePath, "utf8")).toBe(
      `#!/bin/sh\n# terraform-provider-keyform 0.1.0, written by \`keyform provider install\`.\nexec /usr/bin/node '${providerMain}' "$@"\n`,
    );
    expect(statSync(result.executablePath).mode & 0o777).toBe(0o755);
  });

  it("writes a CLI config with only the mirror, and prints the exports", () => {
    expect(readFileSync(result.cliConfigFile, "utf8")).toBe(`# Written by \`keyform provider install\`: Terraform installs keyform.dev/*/* from this
# filesystem mirror only (no registry access; other providers are not installable).
provider_installation {
  filesystem_mirror {
    path    = "${join(directory, "mirror")}"
    include = ["keyform.dev/*/*"]
  }
}
`);
    expect(result.environment).toEqual([`export TF_CLI_CONFIG_FILE=${join(directory, "tf.rc")}`, "export CHECKPOINT_DISABLE=1"]);
  });

  it("leaves unchanged files untouched so that lock hashes stay valid", () => {
    const before = statSync(result.executablePath).mtimeMs;
    installProvider({ mirrorDirectory: join(directory, "mirror"), cliConfigFile: join(directory, "tf.rc"), nodePath: "/usr/bin/node", providerMain });
    expect(statSync(result.executablePath).mtimeMs).toBe(before);
  });

  it("refuses when the provider is not built", () => {
    expect(() => installProvider({ mirrorDirectory: directory, cliConfigFile: join(directory, "x.rc"), providerMain: join(directory, "missing.js") })).toThrow("run `npm run build` first");
  });
});

describe("defaultDataDirectory", () => {
  const project = join(directory, "app");
  const stack = join(project, "cdktf.out", "stacks", "basic");
  mkdirSync(stack, { recursive: true });
  writeFileSync(join(project, "cdktf.out", "manifest.json"), "{}");
  mkdirSync(join(directory, "plain", "stacks", "x"), { recursive: true });

  it.each([
    { reason: "a plain terraform directory: .keyform like the CLI", cwd: join(directory, "app"), want: ".keyform" },
    { reason: "a cdktf stack directory: the project's .keyform", cwd: stack, want: join(project, ".keyform") },
    { reason: "a stacks/ directory without a cdktf manifest", cwd: join(directory, "plain", "stacks", "x"), want: ".keyform" },
  ])("$reason", ({ cwd, want }) => {
    expect(defaultDataDirectory(cwd)).toBe(want);
  });
});

describe("keyform provider install (the CLI command)", () => {
  it("installs the built provider and prints only the export lines on stdout", async () => {
    const { run, repoRoot, builtProvider } = await import("../e2e/terraform-helpers.js");
    const mirror = join(directory, "cli-mirror");
    const rc = join(directory, "cli.rc");
    const result = await run(process.execPath, [join(repoRoot, "bin/keyform.js"), "provider", "install", "--mirror", mirror, "--cli-config", rc], { cwd: directory, env: process.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`export TF_CLI_CONFIG_FILE=${rc}\nexport CHECKPOINT_DISABLE=1\n`);
    const wrapper = join(mirror, "keyform.dev/keyform/keyform/0.1.0", terraformPlatform(), "terraform-provider-keyform");
    // Neither path needs quoting here (no space or shell character in them).
    expect(readFileSync(wrapper, "utf8")).toBe(`#!/bin/sh\n# terraform-provider-keyform 0.1.0, written by \`keyform provider install\`.\nexec ${process.execPath} ${builtProvider} "$@"\n`);
  });
});
