import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { StackSelectionError, SynthError, findStack, loadDesiredState, runSynth, satisfiesTerraformConstraint } from "../../src/reconcile/load/index.js";
import { parseReference, parseTemplate } from "../../src/reconcile/load/template.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const FIXTURES = path.join(HERE, "../fixtures/stacks");
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("loadDesiredState: valid stacks", () => {
  it("reads a CDKTF stack: keys with lifecycle, listings, outputs, provider, escapes", () => {
    const file = path.join(FIXTURES, "basic/stacks/demo/cdk.tf.json");
    const desired = loadDesiredState(file, "demo");
    const none = { description: null, scopes: null, expires_at: null, rotate_after: null, keepers: null, age_recipients: null };
    expect(desired).toEqual({
      stack: "demo",
      file,
      keys: [
        {
          address: "keyform_api_key.ci",
          config: {
            ...none,
            service_account_id: "ajeserviceaccount001",
            description: "CI deploys ${HOME}",
            scopes: ["yc.serverless.functions.invoke", "yc.monitoring.manage"],
            expires_at: "2030-01-01T00:00:00Z",
          },
          lifecycle: { create_before_destroy: true, prevent_destroy: false, ignore_changes: ["description"] },
        },
        {
          address: "keyform_api_key.frozen",
          config: { ...none, service_account_id: "ajeserviceaccount002" },
          lifecycle: { create_before_destroy: false, prevent_destroy: false, ignore_changes: "all" },
        },
        {
          address: "keyform_api_key.rotating",
          config: { ...none, service_account_id: "ajeserviceaccount002", rotate_after: "90d", keepers: { generation: "1" } },
          lifecycle: { create_before_destroy: true, prevent_destroy: true, ignore_changes: [] },
        },
      ],
      listings: [{ address: "data.keyform_api_keys.all", service_account_id: "ajeserviceaccount001" }],
      outputs: [
        { name: "all_keys", sensitive: false, description: null, value: { kind: "reference", address: "data.keyform_api_keys.all", attribute: "keys", path: [] } },
        { name: "ci_id", sensitive: false, description: "id of the CI key", value: { kind: "reference", address: "keyform_api_key.ci", attribute: "id", path: [] } },
        { name: "ci_secret", sensitive: true, description: null, value: { kind: "reference", address: "keyform_api_key.ci", attribute: "secret_key", path: [] } },
        { name: "first_scope", sensitive: false, description: null, value: { kind: "reference", address: "keyform_api_key.ci", attribute: "scopes", path: [0] } },
        { name: "settings", sensitive: false, description: null, value: { kind: "literal", json: { team: "platform", note: "literal ${not_a_reference}", n: 3 } } },
      ],
      exclusive_service_accounts: ["ajeserviceaccount001", "ajeserviceaccount002"],
      provider: { endpoint: "127.0.0.1:50051", data_dir: null, insecure: true, ca_file: null },
    });
  });

  it("reads hand-written Terraform JSON: provider as an object, a ~> constraint, no outputs", () => {
    const desired = loadDesiredState(path.join(FIXTURES, "hand-written.cdk.tf.json"), "hand");
    expect(desired.provider).toEqual({ endpoint: null, data_dir: ".keyform-test", insecure: null, ca_file: "ca.pem" });
    expect(desired.keys.map((key) => [key.address, key.config.age_recipients])).toEqual([
      ["keyform_api_key.only", ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"]],
    ]);
  });

  it("accepts a stack without any keyform content (nothing to require)", () => {
    const desired = loadDesiredState(path.join(FIXTURES, "two-stacks/stacks/dev/cdk.tf.json"), "dev");
    expect([desired.keys, desired.listings, desired.outputs, desired.exclusive_service_accounts]).toEqual([[], [], [], []]);
  });
});

describe("findStack", () => {
  const cases: { reason: string; dir: string; stack?: string; want: { stack: string; file: string } | string }[] = [
    { reason: "the only stack, unnamed", dir: "basic", want: { stack: "demo", file: "stacks/demo/cdk.tf.json" } },
    { reason: "the only stack, named", dir: "basic", stack: "demo", want: { stack: "demo", file: "stacks/demo/cdk.tf.json" } },
    { reason: "one of several, named", dir: "two-stacks", stack: "prod", want: { stack: "prod", file: "stacks/prod/cdk.tf.json" } },
    { reason: "several, unnamed: lists them", dir: "two-stacks", want: "<fixtures>/two-stacks/manifest.json has 2 stacks (dev, prod): pick one with --stack <name>" },
    { reason: "a name that is not there: lists the stacks", dir: "two-stacks", stack: "qa", want: 'stack "qa" not found in <fixtures>/two-stacks/manifest.json; its stacks: dev, prod' },
    { reason: "no stack at all", dir: "no-stacks", want: "<fixtures>/no-stacks/manifest.json lists no stack: does the app create a TerraformStack?" },
    { reason: "no manifest: synthesize first", dir: "missing", want: "<fixtures>/missing/manifest.json not found: run `cdktf synth` first (or pass --synth)" },
  ];
  it.each(cases)("$reason", ({ dir, stack, want }) => {
    const outDir = path.join(FIXTURES, dir);
    if (typeof want === "string") {
      expect(() => findStack({ outDir, stack })).toThrow(new StackSelectionError(want.replace("<fixtures>", FIXTURES)));
    } else {
      expect(findStack({ outDir, stack })).toEqual({ stack: want.stack, file: path.join(outDir, want.file) });
    }
  });
});

describe("template strings and references", () => {
  const templates: { reason: string; text: string; want: ReturnType<typeof parseTemplate> }[] = [
    { reason: "plain text", text: "CI key", want: { kind: "literal", text: "CI key" } },
    { reason: "escaped interpolation", text: "$${HOME}", want: { kind: "literal", text: "${HOME}" } },
    { reason: "escaped directive", text: "100%%{x}", want: { kind: "literal", text: "100%{x}" } },
    { reason: "a lone dollar or percent", text: "$5 and 7%", want: { kind: "literal", text: "$5 and 7%" } },
    { reason: "interpolation", text: "a${b}", want: { kind: "expression" } },
    { reason: "directive", text: "%{ if x }y%{ endif }", want: { kind: "expression" } },
  ];
  it.each(templates)("$reason", ({ text, want }) => expect(parseTemplate(text)).toEqual(want));

  const references: { reason: string; text: string; want: ReturnType<typeof parseReference> }[] = [
    { reason: "resource attribute", text: "${keyform_api_key.ci.secret_key}", want: { address: "keyform_api_key.ci", type: "keyform_api_key", attribute: "secret_key", path: [] } },
    { reason: "data source attribute", text: "${data.keyform_api_keys.all.keys}", want: { address: "data.keyform_api_keys.all", type: "keyform_api_keys", attribute: "keys", path: [] } },
    {
      reason: "attribute with a path",
      text: '${data.keyform_api_keys.all.keys[0].id}',
      want: { address: "data.keyform_api_keys.all", type: "keyform_api_keys", attribute: "keys", path: [0, "id"] },
    },
    { reason: "map key step", text: '${keyform_api_key.ci.keepers["v"]}', want: { address: "keyform_api_key.ci", type: "keyform_api_key", attribute: "keepers", path: ["v"] } },
    { reason: "a function call is not a reference", text: "${upper(keyform_api_key.ci.id)}", want: undefined },
    { reason: "text around a reference", text: "x${keyform_api_key.ci.id}", want: undefined },
    { reason: "two parts only", text: "${var.region}", want: undefined },
  ];
  it.each(references)("$reason", ({ text, want }) => expect(parseReference(text)).toEqual(want));
});

describe("satisfiesTerraformConstraint", () => {
  const cases: { reason: string; constraint: string; want: boolean | undefined }[] = [
    { reason: "exact", constraint: "0.1.0", want: true },
    { reason: "exact with =", constraint: "= 0.1.0", want: true },
    { reason: "another exact version", constraint: "0.2.0", want: false },
    { reason: "pessimistic minor", constraint: "~> 0.1", want: true },
    { reason: "pessimistic patch", constraint: "~> 0.1.0", want: true },
    { reason: "pessimistic past us", constraint: "~> 0.1.1", want: false },
    { reason: "range", constraint: ">= 0.1.0, < 1.0.0", want: true },
    { reason: "range excluding us", constraint: ">= 0.0.1, < 0.1.0", want: false },
    { reason: "not equal", constraint: "!= 0.1.0", want: false },
    { reason: "garbage", constraint: "latest", want: undefined },
  ];
  it.each(cases)("$reason", ({ constraint, want }) => expect(satisfiesTerraformConstraint("0.1.0", constraint)).toBe(want));
});

describe("runSynth (real cdktf-cli)", () => {
  function project(app: string, extra: Record<string, unknown> = {}): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keyform-synth-"));
    tempDirs.push(dir);
    // npx --no-install and the app's `import "cdktf"` both resolve through this link.
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `node ${path.join(FIXTURES, "synth-app", app)}`, ...extra }));
    return dir;
  }

  it("synthesizes an app, and the result loads", async () => {
    const dir = project("main.mjs", { output: "out" });
    const { outDir } = await runSynth(dir);
    expect(outDir).toBe(path.join(dir, "out"));
    const { stack, file } = findStack({ outDir });
    expect(stack).toBe("fixture");
    expect(loadDesiredState(file, stack).keys.map((key) => [key.address, key.config.service_account_id])).toEqual([["keyform_api_key.ci", "ajefixture"]]);
  });

  it("a failing app is an error ending with its stderr", async () => {
    const dir = project("fails.mjs");
    const error = await runSynth(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SynthError);
    expect((error as Error).message).toMatch(/^`cdktf synth` failed in .*keyform-synth-/);
    expect((error as Error).message).toContain("the fixture app failed on purpose");
  });

  it("a directory without cdktf.json is an error naming the file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keyform-synth-"));
    tempDirs.push(dir);
    await expect(runSynth(dir)).rejects.toThrow(`${path.join(dir, "cdktf.json")} not found: --synth needs a CDKTF project (cdktf.json says which app to run)`);
  });
});
