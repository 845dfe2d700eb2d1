import { describe, expect, it } from "vitest";
import { KeyformProvider, ServiceAccountApiKeys, type ServiceAccountApiKeysConfig } from "../../constructs/index.js";
import { synthesize, testStack, validationError } from "./synth-helpers.js";

const ACCOUNT = "ajedemo0000000000001";
const RECIPIENT = "age182sak9greqpfw7w57uy66txj8he46zfdm0lrs0f6x8hatlwpmehse6aq8l";

describe("ServiceAccountApiKeys", () => {
  it("synthesizes one keyform_api_key per named key with exactly the declared arguments", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new ServiceAccountApiKeys(stack, "app", {
      serviceAccountId: ACCOUNT,
      keys: {
        backend: { description: "Backend", scopes: ["a.read", "a.write"] },
        job: { expiresAt: "2030-01-01T00:00:00Z", rotateAfter: "90d", keepers: { generation: "2" } },
      },
    });
    const synthesized = synthesize(stack);
    expect(synthesized.resource).toEqual({
      keyform_api_key: {
        app_backend: { service_account_id: ACCOUNT, description: "Backend", scopes: ["a.read", "a.write"] },
        app_job: { service_account_id: ACCOUNT, expires_at: "2030-01-01T00:00:00Z", rotate_after: "90d", keepers: { generation: "2" } },
      },
    });
    expect(synthesized.terraform?.required_providers).toEqual({ keyform: { source: "keyform.dev/keyform/keyform", version: "0.1.0" } });
    expect(synthesized.provider).toEqual({ keyform: [{}] });
  });

  it("exposes each secret as a sensitive output and the id and masked secret as plain outputs", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new ServiceAccountApiKeys(stack, "app", { serviceAccountId: ACCOUNT, keys: { backend: {} } });
    const outputs = synthesize(stack).output ?? {};
    expect(Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, { value: output.value, sensitive: output.sensitive }]))).toEqual({
      app_backend_id: { value: "${keyform_api_key.app_backend.id}", sensitive: false },
      app_backend_masked_secret: { value: "${keyform_api_key.app_backend.masked_secret}", sensitive: false },
      app_backend_secret_key: { value: "${keyform_api_key.app_backend.secret_key}", sensitive: true },
    });
  });

  it("outputs only the encrypted secret for keys with age recipients", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new ServiceAccountApiKeys(stack, "app", { serviceAccountId: ACCOUNT, keys: { sealed: { ageRecipients: [RECIPIENT] } } });
    const synthesized = synthesize(stack);
    expect(synthesized.resource?.keyform_api_key?.app_sealed).toEqual({ service_account_id: ACCOUNT, age_recipients: [RECIPIENT] });
    expect(Object.keys(synthesized.output ?? {}).sort()).toEqual(["app_sealed_encrypted_secret_key", "app_sealed_id", "app_sealed_masked_secret"]);
    expect(synthesized.output?.app_sealed_encrypted_secret_key?.value).toBe("${keyform_api_key.app_sealed.encrypted_secret_key}");
  });

  it("adds exclusive accounts to the provider's exclusive_service_accounts, once each, wherever the provider is declared", () => {
    const stack = testStack();
    new ServiceAccountApiKeys(stack, "app", { serviceAccountId: ACCOUNT, exclusive: true, keys: { a: {} } });
    new ServiceAccountApiKeys(stack, "app2", { serviceAccountId: ACCOUNT, exclusive: true, keys: { b: {} } });
    new ServiceAccountApiKeys(stack, "billing", { serviceAccountId: "ajedemo0000000000002", keys: { c: {} } });
    new ServiceAccountApiKeys(stack, "ci", { serviceAccountId: "ajedemo0000000000003", exclusive: true, keys: { d: {} } });
    // Declared after the constructs: the account list is filled in at synth.
    new KeyformProvider(stack, "keyform", { dataDir: ".keyform" });
    expect(synthesize(stack).provider).toEqual({
      keyform: [{ data_dir: ".keyform", exclusive_service_accounts: [ACCOUNT, "ajedemo0000000000003"] }],
    });
    // A second synthesis does not add the accounts again.
    expect(synthesize(stack).provider?.keyform?.[0]?.exclusive_service_accounts).toEqual([ACCOUNT, "ajedemo0000000000003"]);
  });

  it("gives accessors for keys and their outputs", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    const keys = new ServiceAccountApiKeys(stack, "app", { serviceAccountId: ACCOUNT, keys: { one: {}, two: {} } });
    expect(keys.keyNames).toEqual(["one", "two"]);
    expect(keys.key("two").serviceAccountIdInput).toBe(ACCOUNT);
    expect(keys.outputs("one").secret.sensitive).toBe(true);
    expect(() => keys.key("three")).toThrow('test/app: no key named "three" (keys: one, two)');
  });

  const invalid: { reason: string; config: ServiceAccountApiKeysConfig; error: string }[] = [
    {
      reason: "empty service account id",
      config: { serviceAccountId: "", keys: { a: {} } },
      error: "[test/keys] serviceAccountId is required",
    },
    {
      reason: "service account id over 50 characters",
      config: { serviceAccountId: "x".repeat(51), keys: { a: {} } },
      error: "[test/keys] serviceAccountId must be at most 50 characters",
    },
    { reason: "no keys", config: { serviceAccountId: ACCOUNT, keys: {} }, error: "[test/keys] keys must declare at least one key" },
    {
      reason: "key name that is not a Terraform name",
      config: { serviceAccountId: ACCOUNT, keys: { "1st key": {} } },
      error: "[test/keys] keys.1st key: the name must be a Terraform name",
    },
    {
      reason: "duplicate scope",
      config: { serviceAccountId: ACCOUNT, keys: { a: { scopes: ["read", "read"] } } },
      error: '[test/keys] keys.a.scopes[1] duplicates scope "read"',
    },
    {
      reason: "description over 256 characters",
      config: { serviceAccountId: ACCOUNT, keys: { a: { description: "d".repeat(257) } } },
      error: "[test/keys] keys.a.description must be at most 256 characters (got 257)",
    },
    {
      reason: "expiry that is not RFC 3339",
      config: { serviceAccountId: ACCOUNT, keys: { a: { expiresAt: "2030-01-01" } } },
      error: '[test/keys] keys.a.expiresAt "2030-01-01" is not an RFC 3339 timestamp',
    },
    {
      reason: "rotation that is not a duration",
      config: { serviceAccountId: ACCOUNT, keys: { a: { rotateAfter: "monthly" } } },
      error: "[test/keys] keys.a.rotateAfter must be a positive duration such as 90d, 720h or 1d12h",
    },
    {
      reason: "malformed age recipient",
      config: { serviceAccountId: ACCOUNT, keys: { a: { ageRecipients: ["age1nope"] } } },
      error: "[test/keys] keys.a.ageRecipients[0] is not an age X25519 recipient",
    },
    {
      reason: "name prefix that is not a Terraform name",
      config: { serviceAccountId: ACCOUNT, namePrefix: "my keys", keys: { a: {} } },
      error: '[test/keys] namePrefix "my keys" is not a Terraform name',
    },
  ];
  it.each(invalid)("fails synth naming the construct path: $reason", ({ config, error }) => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new ServiceAccountApiKeys(stack, "keys", config);
    expect(validationError(stack)).toContain(error);
  });

  it("fails synth naming the construct path when the stack has no keyform provider", () => {
    const stack = testStack();
    new ServiceAccountApiKeys(stack, "keys", { serviceAccountId: ACCOUNT, keys: { a: {} } });
    expect(validationError(stack)).toContain('[test/keys] needs a keyform provider in its stack: add `new KeyformProvider(stack, "keyform")`');
  });

  it.each([
    { property: "token", config: { token: "secret-token-value" }, variable: "KEYFORM_TOKEN" },
    { property: "apiKey", config: { apiKey: "secret-api-key-value" }, variable: "KEYFORM_API_KEY" },
  ])("fails synth when the provider carries a credential ($property), naming the provider and the variable", ({ property, config, variable }) => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform", config);
    new ServiceAccountApiKeys(stack, "keys", { serviceAccountId: ACCOUNT, keys: { a: {} } });
    const error = validationError(stack);
    expect(error).toContain(`[test/keys] provider test/keyform: do not set \`${property}\`, it would be stored in cdk.tf.json; set the ${variable} environment variable instead`);
    expect(error).not.toContain("secret-");
  });

  it("reports every problem of every key at once", () => {
    const stack = testStack();
    new KeyformProvider(stack, "keyform");
    new ServiceAccountApiKeys(stack, "keys", {
      serviceAccountId: ACCOUNT,
      keys: { a: { scopes: [""] }, b: { expiresAt: "3000-01-01T00:00:00Z" } },
    });
    const error = validationError(stack);
    expect(error).toContain("[test/keys] keys.a.scopes[0] must be a non-empty string");
    expect(error).toContain("[test/keys] keys.b.expiresAt must be between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59.999999999Z");
  });
});
