import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildInputSchemaDocument, jsonSchemaOfType } from "../../src/reconcile/load/input-schema.js";
import { buildProviderSchemaDocument } from "../../src/resource/provider-schema.js";
import { apiKeyResource, apiKeysDataSource, configurableAttributes } from "../../src/resource/index.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("jsonSchemaOfType", () => {
  const cases: { reason: string; type: string | [string, ...unknown[]]; want: object }[] = [
    { reason: "string", type: "string", want: { type: "string" } },
    { reason: "bool", type: "bool", want: { type: "boolean" } },
    { reason: "number", type: "number", want: { type: "number" } },
    { reason: "list of strings", type: ["list", "string"], want: { type: "array", items: { type: "string" } } },
    { reason: "set of numbers", type: ["set", "number"], want: { type: "array", items: { type: "number" } } },
    { reason: "map of strings", type: ["map", "string"], want: { type: "object", additionalProperties: { type: "string" } } },
    { reason: "list of maps", type: ["list", ["map", "bool"]], want: { type: "array", items: { type: "object", additionalProperties: { type: "boolean" } } } },
  ];
  it.each(cases)("$reason", ({ type, want }) => {
    expect(jsonSchemaOfType(type)).toEqual(want);
  });

  it.each([["dynamic"], [["object", {}]], [["tuple", []]]])("refuses %j, which no keyform argument uses", (type) => {
    expect(() => jsonSchemaOfType(type as string)).toThrow(`unsupported Terraform type ${JSON.stringify(type)}`);
  });
});

describe("buildInputSchemaDocument", () => {
  const built = buildInputSchemaDocument(buildProviderSchemaDocument()) as { definitions: Record<string, { properties: object; required?: string[] }> };

  it("is what schemas/cdk-tf-json.schema.json holds (npm run generate wrote it)", () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, "schemas/cdk-tf-json.schema.json"), "utf8"))).toEqual(built);
  });

  const metaArguments = ["//", "lifecycle", "depends_on", "provider"];
  it.each([
    { block: "resource.keyform_api_key", definition: apiKeyResource, meta: metaArguments },
    { block: "data.keyform_api_keys", definition: apiKeysDataSource, meta: ["//", "depends_on", "provider"] },
  ])("$block allows exactly the definition's arguments plus meta-arguments, requiring the required ones", ({ block, definition, meta }) => {
    const schema = built.definitions[block];
    expect(Object.keys(schema?.properties ?? {}).filter((name) => !meta.includes(name)).sort()).toEqual(configurableAttributes(definition).map((attribute) => attribute.name).sort());
    expect(schema?.required).toEqual(definition.attributes.filter((attribute) => attribute.mode === "required").map((attribute) => attribute.name));
  });

  it("accepts the provider's credentials in the schema, so the loader refuses them with its own message", () => {
    expect(built.definitions.provider?.properties).toMatchObject({ token: {}, api_key: {}, alias: {}, insecure: { type: "boolean" } });
  });

  it("refuses a provider schema document with more than one provider", () => {
    const document = buildProviderSchemaDocument();
    const two = { provider_schemas: { ...document.provider_schemas, "example.com/x/y": Object.values(document.provider_schemas)[0] } };
    expect(() => buildInputSchemaDocument(two as never)).toThrow("exactly one provider");
  });
});
