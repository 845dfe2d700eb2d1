import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DesiredStateError, formatProblem, loadDesiredState } from "../../src/reconcile/load/index.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/stacks");
const ERRORS = path.join(FIXTURES, "errors");

function problemsOf(file: string): { lines: string[]; error: DesiredStateError } {
  try {
    loadDesiredState(file, "demo");
  } catch (error) {
    if (error instanceof DesiredStateError) return { lines: error.problems.map(formatProblem), error };
    throw error;
  }
  throw new Error(`${file} loaded without problems`);
}

describe("loadDesiredState: every problem, with address, path and exact message", () => {
  const cases: { reason: string; fixture: string; want: string[] }[] = [
    {
      reason: "argument values: src/resource validation, JSON Schema types, computed and unknown arguments, expressions",
      fixture: "arguments.cdk.tf.json",
      want: [
        "data.keyform_api_keys.bad: service_account_id: must be at most 50 characters",
        "keyform_api_key.ci: scopes[2]: duplicates scope \"x\"",
        "keyform_api_key.ci: expires_at: \"2030-02-30T00:00:00Z\" is not an RFC 3339 timestamp such as 2030-01-01T00:00:00Z",
        "keyform_api_key.ci: rotate_after: must be a positive duration such as 90d, 720h or 1d12h",
        "keyform_api_key.ci: age_recipients[0]: is not an age X25519 recipient (age1 followed by 58 characters)",
        "keyform_api_key.computed: id: is computed by the API and cannot be set",
        "keyform_api_key.computed: secret_key: is computed by the API and cannot be set",
        "keyform_api_key.computed: colour: unsupported argument; keyform_api_key accepts service_account_id, description, scopes, expires_at, rotate_after, keepers, age_recipients, lifecycle, depends_on",
        "keyform_api_key.expr: service_account_id: expressions (\"${...}\") in arguments are not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.expr: keepers[\"at\"]: expressions (\"${...}\") in arguments are not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.nosa: service_account_id: is required",
        "keyform_api_key.typed: description: must be a string",
        "keyform_api_key.typed: scopes: must be a list",
        "keyform_api_key.typed: keepers[\"a\"]: must be a string",
      ],
    },
    {
      reason: "meta-arguments: count, for_each, provisioner, replace_triggered_by, bad ignore_changes, foreign depends_on, provider alias",
      fixture: "meta-arguments.cdk.tf.json",
      want: [
        "keyform_api_key.counted: count: count is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.each: for_each: for_each is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.each: provisioner: provisioner is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.life: lifecycle.replace_triggered_by: replace_triggered_by is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.life: lifecycle.ignore_changes[1]: \"secret_key\" is not an argument of keyform_api_key (one of service_account_id, description, scopes, expires_at, rotate_after, keepers, age_recipients)",
        "keyform_api_key.life2: lifecycle.ignore_changes: must be \"all\" or a list of argument names (got \"some\")",
        "keyform_api_key.ordered: depends_on[1]: \"aws_s3_bucket.logs\" is not a keyform_api_key or keyform_api_keys declared in this stack, and keyform plan/apply cannot order other things; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "keyform_api_key.ordered: provider: provider aliases (\"keyform.eu\") are not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
      ],
    },
    {
      reason: "a stack using keyform without terraform.required_providers.keyform",
      fixture: "no-required-providers.cdk.tf.json",
      want: [
        "terraform: required_providers.keyform: is required (source \"keyform.dev/keyform/keyform\", version \"0.1.0\"); the keyform provider construct declares it",
      ],
    },
    {
      reason: "a file that is not JSON",
      fixture: "not-json.cdk.tf.json",
      want: [
        "is not valid JSON (Unexpected end of JSON input)",
      ],
    },
    {
      reason: "outputs: templates, functions, undeclared or foreign references (value and depends_on), unknown attributes, unmarked secrets, nested expressions, preconditions",
      fixture: "outputs.cdk.tf.json",
      want: [
        "output.checked: precondition: precondition is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.foreign: value: refers to aws_s3_bucket.logs, which keyform plan/apply do not manage; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.function: value: only a literal or exactly one attribute reference such as ${keyform_api_key.<name>.<attribute>} is supported by keyform plan/apply (got \"${upper(keyform_api_key.ci.id)}\"); use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.leaky: sensitive: must be true: the value refers to keyform_api_key.ci.secret_key, which is sensitive (as Terraform requires, outputs holding secrets are marked sensitive)",
        "output.mixed: value: only a literal or exactly one attribute reference such as ${keyform_api_key.<name>.<attribute>} is supported by keyform plan/apply (got \"key=${keyform_api_key.ci.id}\"); use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.nested: value.id: keyform plan/apply support an expression only as the whole output value, a single reference such as ${keyform_api_key.<name>.<attribute>}; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.no_attribute: value: refers to keyform_api_key.ci.colour, but keyform_api_key has no attribute colour",
        "output.ordered: depends_on[1]: \"keyform_api_key.gone\" is not declared in this stack; declare it or remove it from depends_on",
        "output.ordered: depends_on[2]: \"data.keyform_api_keys.gone\" is not declared in this stack; declare it or remove it from depends_on",
        "output.ordered: depends_on[3]: \"aws_s3_bucket.logs\" is not a keyform_api_key or keyform_api_keys declared in this stack, and keyform plan/apply cannot order other things; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "output.undeclared: value: refers to keyform_api_key.nope, which this stack does not declare",
      ],
    },
    {
      reason: "two keyform provider blocks (an alias) and an invalid version constraint",
      fixture: "provider-aliases.cdk.tf.json",
      want: [
        "provider.keyform: must be configured exactly once (provider aliases are not supported)",
        "terraform: required_providers.keyform.version: \"not a version\" is not a version constraint such as \"0.1.0\" or \"~> 0.1\"",
      ],
    },
    {
      reason: "provider block with credentials, unknown and mistyped arguments; wrong source; incompatible version",
      fixture: "provider.cdk.tf.json",
      want: [
        "provider.keyform: region: unsupported argument; provider keyform accepts endpoint, ca_file, insecure, data_dir, exclusive_service_accounts",
        "provider.keyform: insecure: must be a bool",
        "provider.keyform: token: must not be set in the configuration, where it would be stored in cdk.tf.json; set the KEYFORM_TOKEN environment variable instead (for example KEYFORM_TOKEN=\"$(cat <file>)\")",
        "provider.keyform: api_key: must not be set in the configuration, where it would be stored in cdk.tf.json; set the KEYFORM_API_KEY environment variable instead (for example KEYFORM_API_KEY=\"$(cat <file>)\")",
        "terraform: required_providers.keyform.source: must be \"keyform.dev/keyform/keyform\" (got \"hashicorp/keyform\")",
        "terraform: required_providers.keyform.version: \">= 1.0\" does not allow this keyform, version 0.1.0",
      ],
    },
    {
      reason: "blocks, resources, data sources and providers keyform does not support",
      fixture: "unsupported-blocks.cdk.tf.json",
      want: [
        "aws_s3_bucket.data: resource type aws_s3_bucket is not supported by keyform plan/apply, which manage only keyform_api_key and read only keyform_api_keys; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "aws_s3_bucket.logs: resource type aws_s3_bucket is not supported by keyform plan/apply, which manage only keyform_api_key and read only keyform_api_keys; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "data.aws_caller_identity.me: data source aws_caller_identity is not supported by keyform plan/apply, which manage only keyform_api_key and read only keyform_api_keys; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "locals: locals blocks are not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "provider.aws: provider aws is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "terraform: cloud: cloud is not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
        "variable: variable blocks are not supported by keyform plan/apply; use `cdktf deploy` (Terraform with the keyform provider) for such a stack",
      ],
    },

  ];
  it.each(cases)("$reason", ({ fixture, want }) => {
    const file = path.join(ERRORS, fixture);
    const { lines, error } = problemsOf(file);
    expect(lines).toEqual(want);
    expect(error.problems.every((problem) => problem.file === file)).toBe(true);
    expect(error.message.split("\n")).toEqual([`${file}: ${want.length === 1 ? "1 problem" : `${want.length} problems`}:`, ...want.map((line) => `  ${line}`)]);
  });

  it("never repeats a credential found in the provider block", () => {
    const { error } = problemsOf(path.join(ERRORS, "provider.cdk.tf.json"));
    expect(error.message).not.toContain("t0ps3cr3t-token-value");
    expect(error.message).not.toContain("AQVNsecret");
  });

  it("a missing file says to synthesize", () => {
    const { lines } = problemsOf(path.join(ERRORS, "does-not-exist.json"));
    expect(lines).toEqual(["does not exist; run `cdktf synth` (or pass --synth)"]);
  });
});
