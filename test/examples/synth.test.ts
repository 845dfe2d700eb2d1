import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EXAMPLES, readStack, repoRoot, synthesizeExample } from "./example-helpers.js";

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), "keyform-examples-synth-"));
afterAll(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

const RECIPIENT = "age182sak9greqpfw7w57uy66txj8he46zfdm0lrs0f6x8hatlwpmehse6aq8l";

/** What each example declares: resource names, exclusive accounts, sensitive outputs. */
const expected: Record<(typeof EXAMPLES)[number], { resources: string[]; exclusive?: string[]; sensitiveOutputs: string[]; check: (stack: ReturnType<typeof readStack>) => void }> = {
  basic: {
    resources: ["app_backend", "app_reporting"],
    sensitiveOutputs: ["app_backend_secret_key", "app_reporting_secret_key"],
    check: (stack) => expect(new Set(Object.values(stack.resource.keyform_api_key).map((key) => key.service_account_id))).toEqual(new Set(["ajedemo0000000000001"])),
  },
  rotation: {
    resources: ["deploy", "registry"],
    sensitiveOutputs: ["deploy_secret_key", "registry_secret_key"],
    check: (stack) => {
      expect(stack.resource.keyform_api_key.deploy).toMatchObject({ rotate_after: "30d", lifecycle: { create_before_destroy: true } });
      expect(stack.resource.keyform_api_key.registry).toMatchObject({ rotate_after: "90d", keepers: { generation: "1" }, lifecycle: { create_before_destroy: true } });
    },
  },
  "multi-account": {
    resources: ["app_web", "app_worker", "billing_invoices", "ci_pipeline"],
    exclusive: ["ajedemo0000000000001"],
    sensitiveOutputs: ["app_web_secret_key", "app_worker_secret_key", "billing_invoices_secret_key", "ci_pipeline_secret_key"],
    check: (stack) => expect(new Set(Object.values(stack.resource.keyform_api_key).map((key) => key.service_account_id)).size).toBe(3),
  },
  age: {
    resources: ["billing_export", "billing_rotating"],
    sensitiveOutputs: [],
    check: (stack) => {
      for (const key of Object.values(stack.resource.keyform_api_key)) expect(key.age_recipients).toEqual([RECIPIENT]);
      expect(Object.keys(stack.output).filter((name) => name.endsWith("_encrypted_secret_key")).sort()).toEqual(["billing_export_encrypted_secret_key", "billing_rotating_encrypted_secret_key"]);
    },
  },
};

describe("examples synthesize", () => {
  it.each(EXAMPLES.map((name) => ({ name })))("$name", ({ name }) => {
    const stack = synthesizeExample(name, path.join(tempRoot, name));
    const want = expected[name];
    expect(Object.keys(stack.resource.keyform_api_key).sort()).toEqual([...want.resources].sort());
    expect(stack.terraform.required_providers).toEqual({ keyform: { source: "keyform.dev/keyform/keyform", version: "0.1.0" } });
    expect(stack.provider.keyform[0]?.exclusive_service_accounts).toEqual(want.exclusive);
    const sensitive = Object.entries(stack.output).filter(([, output]) => output.sensitive).map(([outputName]) => outputName);
    expect(sensitive.sort()).toEqual([...want.sensitiveOutputs].sort());
    want.check(stack);
    expect(fs.existsSync(path.join(repoRoot, "examples", name, "README.md"))).toBe(true);
  });

  it("root cdktf.json: `npx cdktf synth` runs the basic example offline", () => {
    const outDir = path.join(tempRoot, "root");
    execFileSync(process.execPath, [path.join(repoRoot, "node_modules/cdktf-cli/bundle/bin/cdktf"), "synth", "--output", outDir], {
      cwd: repoRoot,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "1" },
      stdio: "pipe",
    });
    expect(Object.keys(readStack(outDir, "basic").resource.keyform_api_key).sort()).toEqual(["app_backend", "app_reporting"]);
  });

  it("the synthesized required_providers entry is accepted by `terraform init` (offline, filesystem mirror)", () => {
    const outDir = path.join(tempRoot, "terraform-init");
    synthesizeExample("basic", outDir);
    // init only installs the provider, it never starts it: a placeholder executable suffices.
    const mirror = path.join(tempRoot, "mirror");
    const providerDir = path.join(mirror, "keyform.dev/keyform/keyform/0.1.0/linux_amd64");
    fs.mkdirSync(providerDir, { recursive: true });
    fs.writeFileSync(path.join(providerDir, "terraform-provider-keyform"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const cliConfig = path.join(tempRoot, "terraform.rc");
    fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["keyform.dev/*/*"]\n  }\n}\n`);
    execFileSync("terraform", ["init", "-input=false", "-no-color"], {
      cwd: path.join(outDir, "stacks/basic"),
      env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1" },
      stdio: "pipe",
    });
    const lock = fs.readFileSync(path.join(outDir, "stacks/basic/.terraform.lock.hcl"), "utf8");
    expect(lock).toMatch(/provider "keyform\.dev\/keyform\/keyform" \{\s+version\s+= "0\.1\.0"/);
  });
});
