import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import {
  ConfigureProvider_RequestSchema,
  Deferred_Reason,
  ReadDataSource_RequestSchema,
  ReadResource_RequestSchema,
} from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import type { Diagnostic } from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import { UNKNOWN, decodeDynamicValue, encodeDynamicValue } from "../../src/provider/dynamic-value.js";
import type { TerraformObject } from "../../src/provider/dynamic-value.js";
import { blockType, loadProviderSchemas } from "../../src/provider/provider-schema.js";
import type { JsonBlockSchema } from "../../src/provider/provider-schema.js";
import { createProviderContext, mergeProviderSettings } from "../../src/provider/provider-context.js";
import { createProviderHandlers, validateProviderBlock } from "../../src/provider/provider-service.js";

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

/**
 * ConfigureProvider and the RPCs after it when a provider setting is unknown at plan time or
 * asks for a refused combination. The embedded store's directory (KEYFORM_DATA_DIR) must never
 * appear: an unknown endpoint used to fall back to a fresh embedded store.
 */
const schemas = loadProviderSchemas();
const providerType = blockType(schemas.provider);
const resourceType = blockType(schemas.resource_schemas.keyform_api_key as JsonBlockSchema);
const dataSourceType = blockType(schemas.data_source_schemas.keyform_api_keys as JsonBlockSchema);
const directory = mkdtempSync(join(tmpdir(), "keyform-provider-config-"));
const storeDirectory = join(directory, "store");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const TOKEN = "token-never-in-a-message-7f3a";
const keyState: TerraformObject = { id: "ajekey00000000000001", service_account_id: "ajedemo0000000000001", description: "kept" };

function providerWith(env: NodeJS.ProcessEnv = {}) {
  const context = createProviderContext(() => {}, { KEYFORM_DATA_DIR: storeDirectory, ...env });
  return { context, handlers: createProviderHandlers(schemas, context) };
}

async function configure(config: TerraformObject, deferralAllowed: boolean, env?: NodeJS.ProcessEnv) {
  const provider = providerWith(env);
  const request = create(ConfigureProvider_RequestSchema, { config: { msgpack: encodeDynamicValue(providerType, config) }, clientCapabilities: { deferralAllowed } });
  const response = await provider.handlers.configureProvider?.(request);
  return { ...provider, diagnostics: (response?.diagnostics ?? []) as Diagnostic[] };
}

const summary = (diagnostic: Diagnostic | undefined) => {
  const step = diagnostic?.attribute?.steps[0]?.selector;
  return { summary: diagnostic?.summary, attribute: step?.case === "attributeName" ? step.value : undefined };
};

describe("ConfigureProvider with a setting unknown at plan time", () => {
  it.each([
    { reason: "endpoint from another resource", config: block({ endpoint: UNKNOWN }), want: ["endpoint"] },
    { reason: "token and endpoint both unknown", config: block({ endpoint: UNKNOWN, token: UNKNOWN }), want: ["endpoint", "token"] },
    { reason: "data_dir unknown (would pick a store)", config: block({ data_dir: UNKNOWN }), want: ["data_dir"] },
  ])("without deferral: an error on each unknown attribute ($reason)", async ({ config, want }) => {
    const { diagnostics } = await configure(config, false);
    expect(diagnostics.map(summary)).toEqual(want.map((attribute) => ({ summary: `keyform provider setting ${attribute} is unknown at plan time`, attribute })));
    expect(diagnostics[0]?.detail).toContain("Provider settings must be known at plan time");
  });

  it("without deferral: ReadResource refuses, keeps the state and opens no store", async () => {
    const { handlers, context } = await configure(block({ endpoint: UNKNOWN }), false, { KEYFORM_ENDPOINT: "127.0.0.1:9", KEYFORM_TOKEN: "t" });
    const current = { msgpack: encodeDynamicValue(resourceType, keyState) };
    const response = await handlers.readResource?.(create(ReadResource_RequestSchema, { typeName: "keyform_api_key", currentState: current }));
    expect(response?.diagnostics?.map((diagnostic) => summary(diagnostic as Diagnostic))).toEqual([{ summary: "keyform provider setting endpoint is unknown at plan time", attribute: "endpoint" }]);
    expect(decodeDynamicValue(resourceType, response?.newState?.msgpack as Uint8Array)).toMatchObject(keyState);
    await expect(context.client()).rejects.toThrow("the provider setting endpoint is unknown until apply");
    expect(existsSync(storeDirectory)).toBe(false);
  });

  it("with deferral allowed: no diagnostic, and the resource and data source RPCs defer", async () => {
    const { handlers, diagnostics } = await configure(block({ endpoint: UNKNOWN }), true);
    expect(diagnostics).toEqual([]);
    const capabilities = { deferralAllowed: true };
    const current = { msgpack: encodeDynamicValue(resourceType, keyState) };
    const read = await handlers.readResource?.(create(ReadResource_RequestSchema, { typeName: "keyform_api_key", currentState: current, clientCapabilities: capabilities }));
    expect(read?.deferred?.reason).toBe(Deferred_Reason.PROVIDER_CONFIG_UNKNOWN);
    expect(read?.diagnostics ?? []).toEqual([]);
    expect(decodeDynamicValue(resourceType, read?.newState?.msgpack as Uint8Array)).toMatchObject(keyState);
    const config = { msgpack: encodeDynamicValue(dataSourceType, { service_account_id: "ajedemo0000000000001", id: null, keys: null }) };
    const listed = await handlers.readDataSource?.(create(ReadDataSource_RequestSchema, { typeName: "keyform_api_keys", config, clientCapabilities: capabilities }));
    expect(listed?.deferred?.reason).toBe(Deferred_Reason.PROVIDER_CONFIG_UNKNOWN);
    expect(decodeDynamicValue(dataSourceType, listed?.state?.msgpack as Uint8Array)).toEqual({ service_account_id: "ajedemo0000000000001", id: UNKNOWN, keys: UNKNOWN });
    expect(existsSync(storeDirectory)).toBe(false);
  });
});

describe("ConfigureProvider refuses plaintext to an endpoint that is not loopback", () => {
  it.each([
    { reason: "insecure = true in the block", config: block({ endpoint: "keys.example.com:443", token: TOKEN, insecure: true }), env: {}, name: "insecure (or KEYFORM_INSECURE)" },
    { reason: "KEYFORM_INSECURE=1 in the environment", config: block({ endpoint: "10.0.0.5:50051", token: TOKEN }), env: { KEYFORM_INSECURE: "1" }, name: "insecure (or KEYFORM_INSECURE)" },
  ])("$reason: an error on insecure", async ({ config, env, name }) => {
    const { diagnostics } = await configure(config, false, env);
    expect(diagnostics.map(summary)).toEqual([{ summary: "Invalid keyform provider configuration", attribute: "insecure" }]);
    expect(diagnostics[0]?.detail).toContain(`${name} asks for plaintext, which is allowed only for loopback endpoints`);
    expect(diagnostics[0]?.detail).not.toContain(TOKEN);
  });

  it("accepts insecure for a loopback endpoint", async () => {
    const { diagnostics } = await configure(block({ endpoint: "127.0.0.1:50051", token: "t", insecure: true }), false);
    expect(diagnostics).toEqual([]);
  });
});
