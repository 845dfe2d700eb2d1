import { describe, expect, it } from "vitest";
import { Testing, TerraformVariable } from "cdktf";
import { ApiKey, KeyformProvider, RotatingApiKey, type RotatingApiKeyConfig } from "../../constructs/index.js";
import { synthesize, testStack, validationError } from "./synth-helpers.js";

const ACCOUNT = "ajedemo0000000000003";

describe("RotatingApiKey", () => {
  it("synthesizes rotate_after in days with create_before_destroy", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new RotatingApiKey(stack, "deploy", { serviceAccountId: ACCOUNT, rotationDays: 30, scopes: ["deploy"] });
    expect(synthesize(stack).resource).toEqual({
      keyform_api_key: {
        deploy: {
          service_account_id: ACCOUNT,
          scopes: ["deploy"],
          rotate_after: "30d",
          lifecycle: { create_before_destroy: true },
        },
      },
    });
  });

  it("matches with cdktf's Testing helpers", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new RotatingApiKey(stack, "deploy", { serviceAccountId: ACCOUNT, rotationDays: 7 });
    const synthesized = Testing.synth(stack, true);
    expect(Testing.toHaveResourceWithProperties(synthesized, ApiKey.tfResourceType, { rotate_after: "7d", lifecycle: { create_before_destroy: true } })).toBe(true);
    expect(Testing.toHaveResourceWithProperties(synthesized, ApiKey.tfResourceType, { rotate_after: "90d" })).toBe(false);
    expect(Testing.toHaveProviderWithProperties(synthesized, "keyform", {})).toBe(true);
  });

  it("rotates every 90 days by default", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    const key = new RotatingApiKey(stack, "deploy", { serviceAccountId: ACCOUNT });
    expect(key.rotationDays).toBe(90);
    expect(synthesize(stack).resource?.keyform_api_key?.deploy?.rotate_after).toBe("90d");
  });

  it("outputs reference the resource, so they always give the current (post-rotation) secret", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new RotatingApiKey(stack, "deploy", { serviceAccountId: ACCOUNT, name: "ci_deploy" });
    const synthesized = synthesize(stack);
    expect(Object.keys(synthesized.resource?.keyform_api_key ?? {})).toEqual(["ci_deploy"]);
    expect(Object.fromEntries(Object.entries(synthesized.output ?? {}).map(([name, output]) => [name, { value: output.value, sensitive: output.sensitive }]))).toEqual({
      ci_deploy_id: { value: "${keyform_api_key.ci_deploy.id}", sensitive: false },
      ci_deploy_masked_secret: { value: "${keyform_api_key.ci_deploy.masked_secret}", sensitive: false },
      ci_deploy_secret_key: { value: "${keyform_api_key.ci_deploy.secret_key}", sensitive: true },
    });
  });

  it("skips validation of values known only at apply time (tokens)", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    const account = new TerraformVariable(stack, "account", { type: "string" });
    new RotatingApiKey(stack, "deploy", { serviceAccountId: account.stringValue });
    expect(synthesize(stack).resource?.keyform_api_key?.deploy?.service_account_id).toBe("${var.account}");
  });

  const invalid: { reason: string; config: RotatingApiKeyConfig; error: string }[] = [
    { reason: "zero days", config: { serviceAccountId: ACCOUNT, rotationDays: 0 }, error: "[test/rotating] rotationDays must be a whole number of days, at least 1 (got 0)" },
    { reason: "fractional days", config: { serviceAccountId: ACCOUNT, rotationDays: 1.5 }, error: "[test/rotating] rotationDays must be a whole number of days, at least 1 (got 1.5)" },
    { reason: "missing service account", config: { serviceAccountId: "" }, error: "[test/rotating] serviceAccountId is required" },
    {
      reason: "keeper that is not a string",
      config: { serviceAccountId: ACCOUNT, keepers: { generation: 2 as unknown as string } },
      error: '[test/rotating] keepers["generation"] must be a string',
    },
    {
      reason: "empty age recipient list",
      config: { serviceAccountId: ACCOUNT, ageRecipients: [] },
      error: "[test/rotating] ageRecipients must name at least one recipient, or be left out",
    },
    { reason: "name that is not a Terraform name", config: { serviceAccountId: ACCOUNT, name: "ci.deploy" }, error: '[test/rotating] name "ci.deploy" is not a Terraform name' },
  ];
  it.each(invalid)("fails synth naming the construct path: $reason", ({ config, error }) => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new RotatingApiKey(stack, "rotating", config);
    expect(validationError(stack)).toContain(error);
  });

  it("fails synth naming the construct path when the stack has no keyform provider", () => {
    const stack = testStack();
    new RotatingApiKey(stack, "rotating", { serviceAccountId: ACCOUNT });
    expect(validationError(stack)).toContain("[test/rotating] needs a keyform provider in its stack");
  });
});
