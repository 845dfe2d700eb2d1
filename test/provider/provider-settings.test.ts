import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/provider/dynamic-value.js";
import type { TerraformObject } from "../../src/provider/dynamic-value.js";
import { mergeProviderSettings } from "../../src/provider/provider-context.js";
import { validateProviderBlock } from "../../src/provider/provider-service.js";

const block = (values: TerraformObject): TerraformObject => ({
  endpoint: null,
  token: null,
  api_key: null,
  ca_file: null,
  insecure: null,
  data_dir: null,
  exclusive_service_accounts: null,
  ...values,
});

describe("mergeProviderSettings", () => {
  it.each([
    { reason: "environment alone", config: null, env: { endpoint: "env:1", token: "t" }, want: { endpoint: "env:1", token: "t" } },
    { reason: "config wins over environment", config: block({ endpoint: "cfg:2" }), env: { endpoint: "env:1", token: "t" }, want: { endpoint: "cfg:2", token: "t" } },
    { reason: "unknown config values are ignored", config: block({ endpoint: UNKNOWN }), env: { endpoint: "env:1" }, want: { endpoint: "env:1" } },
    { reason: "attribute names map to settings", config: block({ api_key: "k", ca_file: "/ca.pem", insecure: false, data_dir: "d" }), env: {}, want: { apiKey: "k", caFile: "/ca.pem", insecure: false, dataDir: "d" } },
  ])("$reason", ({ config, env, want }) => {
    const merged = mergeProviderSettings(config, env);
    const { names, ...settings } = merged;
    expect(Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined))).toEqual(want);
    expect(names?.token).toBe("token (or KEYFORM_TOKEN)");
  });
});

describe("validateProviderBlock", () => {
  it.each([
    { reason: "empty block", config: block({}), want: [] },
    { reason: "token and api_key both set", config: block({ token: "a", api_key: "b" }), want: ["api_key"] },
    { reason: "insecure with a CA file", config: block({ insecure: true, ca_file: "/ca.pem" }), want: ["ca_file"] },
    { reason: "unknown token is not a conflict yet", config: block({ token: UNKNOWN, api_key: "b" }), want: [] },
  ])("$reason", ({ config, want }) => {
    const paths = validateProviderBlock(config).map((diagnostic) => {
      const step = diagnostic.attribute?.steps?.[0]?.selector;
      return step?.case === "attributeName" ? step.value : undefined;
    });
    expect(paths).toEqual(want);
  });
});
