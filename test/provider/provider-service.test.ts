import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { UpgradeResourceState_RequestSchema } from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import { decodeDynamicValue } from "../../src/provider/dynamic-value.js";
import { blockType, loadProviderSchemas } from "../../src/provider/provider-schema.js";
import { createProviderContext } from "../../src/provider/provider-context.js";
import { createProviderHandlers } from "../../src/provider/provider-service.js";

const schemas = loadProviderSchemas();
const handlers = createProviderHandlers(schemas, createProviderContext(() => {}, {}));
const resourceType = blockType(schemas.resource_schemas.keyform_api_key as NonNullable<(typeof schemas.resource_schemas)[string]>);
const allNull = Object.fromEntries(Object.keys((resourceType as readonly ["object", Record<string, unknown>])[1]).map((name) => [name, null]));

async function upgrade(json: string, version = 0n) {
  const request = create(UpgradeResourceState_RequestSchema, { typeName: "keyform_api_key", version, rawState: { json: new TextEncoder().encode(json) } });
  const response = await handlers.upgradeResourceState?.(request);
  return {
    state: response?.upgradedState?.msgpack ? decodeDynamicValue(resourceType, response.upgradedState.msgpack as Uint8Array) : undefined,
    diagnostics: (response?.diagnostics ?? []).map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail}`),
  };
}

describe("UpgradeResourceState", () => {
  it.each([
    { reason: "current attributes are kept, missing ones null", json: '{"id":"k1","service_account_id":"a"}', want: { ...allNull, id: "k1", service_account_id: "a" } },
    { reason: "attributes the schema no longer has are dropped", json: '{"id":"k1","retired":"x"}', want: { ...allNull, id: "k1" } },
  ])("$reason", async ({ json, want }) => {
    expect(await upgrade(json)).toEqual({ state: want, diagnostics: [] });
  });

  it.each([
    { reason: "not JSON", json: "{", version: 0n, want: "it is not valid JSON" },
    { reason: "a wrongly typed attribute, named without its value", json: '{"secret_key":5}', version: 0n, want: "secret_key: expected a string" },
    { reason: "state from a newer provider", json: "{}", version: 7n, want: "Schema version 7 is newer than 0: upgrade keyform." },
  ])("reports $reason as a diagnostic", async ({ json, version, want }) => {
    const result = await upgrade(json, version);
    expect(result.state).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toContain(want);
  });
});

describe("GetProviderSchema", () => {
  it("serves the resource, the data source and plan_destroy", async () => {
    const response = await handlers.getProviderSchema?.(create((await import("../../src/gen/tfplugin6/tfplugin6.8_pb.js")).GetProviderSchema_RequestSchema));
    expect(Object.keys(response?.resourceSchemas ?? {})).toEqual(["keyform_api_key"]);
    expect(Object.keys(response?.dataSourceSchemas ?? {})).toEqual(["keyform_api_keys"]);
    expect(response?.serverCapabilities).toEqual({ planDestroy: true });
  });
});
