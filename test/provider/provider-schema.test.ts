import { describe, expect, it } from "vitest";
import { buildProviderSchemaDocument, PROVIDER_SOURCE } from "../../src/resource/index.js";
import { StringKind } from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import type { JsonBlockSchema } from "../../src/provider/provider-schema.js";
import { blockType, loadProviderSchemas, toProtoSchema } from "../../src/provider/provider-schema.js";

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe("toProtoSchema", () => {
  const block: JsonBlockSchema = {
    version: 2,
    block: {
      description: "d",
      description_kind: "markdown",
      attributes: {
        id: { type: "string", computed: true, description: "x" },
        scopes: { type: ["list", "string"], optional: true },
        token: { type: "string", optional: true, sensitive: true },
        keys: { type: ["list", ["object", { id: "string" }]], computed: true },
        name: { type: "string", required: true },
      },
    },
  };
  const schema = toProtoSchema(block);
  const attribute = (name: string) => schema.block?.attributes?.find((candidate) => candidate.name === name);

  it.each([
    { reason: "plain string type", name: "id", type: '"string"', flags: { required: false, optional: false, computed: true, sensitive: false } },
    { reason: "list type as compact JSON", name: "scopes", type: '["list","string"]', flags: { required: false, optional: true, computed: false, sensitive: false } },
    { reason: "sensitive flag kept", name: "token", type: '"string"', flags: { required: false, optional: true, computed: false, sensitive: true } },
    { reason: "nested object type", name: "keys", type: '["list",["object",{"id":"string"}]]', flags: { required: false, optional: false, computed: true, sensitive: false } },
    { reason: "required", name: "name", type: '"string"', flags: { required: true, optional: false, computed: false, sensitive: false } },
  ])("$reason", ({ name, type, flags }) => {
    const found = attribute(name);
    expect(text(found?.type)).toBe(type);
    expect({ required: found?.required, optional: found?.optional, computed: found?.computed, sensitive: found?.sensitive }).toEqual(flags);
  });

  it("keeps version and description kind", () => {
    expect(schema.version).toBe(2n);
    expect(schema.block?.descriptionKind).toBe(StringKind.MARKDOWN);
    expect(attribute("id")?.descriptionKind).toBe(StringKind.PLAIN);
  });

  it("derives the object type DynamicValues decode under", () => {
    expect(blockType(block)).toEqual(["object", { id: "string", scopes: ["list", "string"], token: "string", keys: ["list", ["object", { id: "string" }]], name: "string" }]);
  });
});

describe("loadProviderSchemas", () => {
  it("serves the committed schema, which matches src/resource", () => {
    const committed = buildProviderSchemaDocument().provider_schemas[PROVIDER_SOURCE];
    expect(loadProviderSchemas()).toEqual(JSON.parse(JSON.stringify(committed)));
  });
});
