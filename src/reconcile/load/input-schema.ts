/**
 * Builds schemas/cdk-tf-json.schema.json (what `keyform plan` accepts of a synthesized stack)
 * from the provider schema document (schemas/provider-schema.json), so that the arguments of
 * the resource, the data source and the provider block, their types and which are required
 * come from the one definition in src/resource. The structure around them (meta-arguments,
 * lifecycle, outputs, the terraform block) is Terraform's and written out here.
 * `npm run generate` writes the result; `npm run generate:check` fails when it is stale.
 */

/** The parts of the `terraform providers schema -json` format this builder reads. */
interface ProviderSchemaDocument {
  readonly provider_schemas: Record<string, ProviderSchemas>;
}
interface ProviderSchemas {
  readonly provider: BlockSchema;
  readonly resource_schemas: Record<string, BlockSchema>;
  readonly data_source_schemas: Record<string, BlockSchema>;
}
interface BlockSchema {
  readonly block: { readonly attributes: Record<string, AttributeSchema> };
}
interface AttributeSchema {
  readonly type: TerraformType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly sensitive?: boolean;
}
type TerraformType = string | readonly [string, ...unknown[]];

type JsonSchema = Record<string, unknown>;

/** A Terraform type constraint as the JSON Schema of its JSON form. */
export function jsonSchemaOfType(type: TerraformType): JsonSchema {
  if (typeof type === "string") {
    const primitive: Record<string, string> = { string: "string", bool: "boolean", number: "number" };
    const name = primitive[type];
    if (!name) throw new Error(`unsupported Terraform type ${JSON.stringify(type)}`);
    return { type: name };
  }
  const [kind, element] = type;
  if (kind === "list" || kind === "set") return { type: "array", items: jsonSchemaOfType(element as TerraformType) };
  if (kind === "map") return { type: "object", additionalProperties: jsonSchemaOfType(element as TerraformType) };
  throw new Error(`unsupported Terraform type ${JSON.stringify(type)}`);
}

/**
 * The configurable arguments of a block (computed-only attributes are not arguments).
 * Sensitive ones are accepted by the schema ({}) so that the loader can refuse them with its
 * own message (a credential belongs in an environment variable, not in cdk.tf.json).
 */
function argumentsOf(schema: BlockSchema): { properties: JsonSchema; required: string[] } {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [name, attribute] of Object.entries(schema.block.attributes)) {
    if (!attribute.required && !attribute.optional) continue;
    properties[name] = attribute.sensitive ? {} : jsonSchemaOfType(attribute.type);
    if (attribute.required) required.push(name);
  }
  return { properties, required };
}

function objectOf(properties: JsonSchema, required: readonly string[]): JsonSchema {
  return { type: "object", properties: { "//": {}, ...properties }, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

const stringList = { type: "array", items: { type: "string" } };

/** Builds the input schema for the one provider in `document` (keyform's). */
export function buildInputSchemaDocument(document: ProviderSchemaDocument): JsonSchema {
  const entries = Object.entries(document.provider_schemas);
  const [source, schemas] = entries[0] ?? [];
  if (entries.length !== 1 || !source || !schemas) throw new Error("the provider schema document must describe exactly one provider");
  const providerName = source.slice(source.lastIndexOf("/") + 1);
  const blockDefinitions = (prefix: string, blocks: Record<string, BlockSchema>, metaArguments: JsonSchema) =>
    Object.fromEntries(
      Object.entries(blocks).map(([typeName, schema]) => {
        const { properties, required } = argumentsOf(schema);
        return [`${prefix}.${typeName}`, objectOf({ ...properties, ...metaArguments }, required)];
      }),
    );
  const blockMap = (prefix: string, blocks: Record<string, BlockSchema>) => ({
    type: "object",
    properties: {
      "//": {},
      ...Object.fromEntries(Object.keys(blocks).map((typeName) => [typeName, { type: "object", additionalProperties: { $ref: `#/definitions/${prefix}.${typeName}` } }])),
    },
    additionalProperties: false,
  });
  const provider = argumentsOf(schemas.provider);
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://keyform.dev/schemas/cdk-tf-json.schema.json",
    title: "keyform's subset of Terraform JSON configuration",
    description:
      "Generated from schemas/provider-schema.json by `npm run generate`; do not edit. The part of a synthesized CDKTF stack (cdktf.out/stacks/<stack>/cdk.tf.json) that `keyform plan` and `keyform apply` read. Anything outside it is reported as unsupported, with a pointer to `cdktf deploy`. Keys named `//` are CDKTF metadata and ignored. Argument values are checked further by src/resource (lengths, uniqueness, timestamps). The provider block is accepted here as a list of one object (CDKTF's form); the loader wraps a single object first.",
    type: "object",
    properties: {
      "//": {},
      resource: blockMap("resource", schemas.resource_schemas),
      data: blockMap("data", schemas.data_source_schemas),
      output: { type: "object", additionalProperties: { $ref: "#/definitions/output" } },
      provider: {
        type: "object",
        properties: { "//": {}, [providerName]: { type: "array", minItems: 1, maxItems: 1, items: { $ref: "#/definitions/provider" } } },
        additionalProperties: false,
      },
      terraform: { $ref: "#/definitions/terraformBlock" },
    },
    additionalProperties: false,
    definitions: {
      ...blockDefinitions("resource", schemas.resource_schemas, { lifecycle: { $ref: "#/definitions/lifecycle" }, depends_on: stringList, provider: { type: "string" } }),
      ...blockDefinitions("data", schemas.data_source_schemas, { depends_on: stringList, provider: { type: "string" } }),
      provider: objectOf({ ...provider.properties, alias: {} }, provider.required),
      lifecycle: {
        type: "object",
        properties: {
          create_before_destroy: { type: "boolean" },
          prevent_destroy: { type: "boolean" },
          ignore_changes: { type: ["array", "string"], items: { type: "string" } },
        },
        additionalProperties: false,
      },
      output: objectOf({ value: {}, sensitive: { type: "boolean" }, description: { type: "string" }, depends_on: stringList }, ["value"]),
      terraformBlock: objectOf(
        {
          backend: { type: "object" },
          required_version: { type: "string" },
          required_providers: {
            type: "object",
            properties: {
              [providerName]: { type: "object", properties: { source: { type: "string" }, version: { type: "string" } }, required: ["source", "version"] },
            },
          },
        },
        [],
      ),
    },
  };
}
