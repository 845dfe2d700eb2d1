import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TerraformType } from "../resource/index.js";
import { PROVIDER_SOURCE } from "../resource/index.js";
import type { SchemaSchema} from "../gen/tfplugin6/tfplugin6.8_pb.js";
import { StringKind } from "../gen/tfplugin6/tfplugin6.8_pb.js";

/** One block of schemas/provider-schema.json (`terraform providers schema -json` format). */
export interface JsonBlockSchema {
  readonly version: number;
  readonly block: {
    readonly attributes: Readonly<Record<string, JsonAttributeSchema>>;
    readonly description?: string;
    readonly description_kind?: "plain" | "markdown";
    readonly deprecated?: boolean;
  };
}

export interface JsonAttributeSchema {
  readonly type: TerraformType;
  readonly description?: string;
  readonly description_kind?: "plain" | "markdown";
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

/** The provider's part of the schema document: what GetProviderSchema serves. */
export interface ProviderSchemas {
  readonly provider: JsonBlockSchema;
  readonly resource_schemas: Readonly<Record<string, JsonBlockSchema>>;
  readonly data_source_schemas: Readonly<Record<string, JsonBlockSchema>>;
}

/**
 * Reads schemas/provider-schema.json (generated from src/resource and committed) and returns
 * this provider's entry. Looked up relative to this module both from src/ (tests) and from
 * dist/src/ (the built provider).
 * @throws Error naming the file when it is missing or has no entry for keyform.dev/keyform/keyform.
 */
export function loadProviderSchemas(): ProviderSchemas {
  const candidates = ["../../schemas/provider-schema.json", "../../../schemas/provider-schema.json"].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) throw new Error("schemas/provider-schema.json is missing from the keyform checkout: run `npm run generate`");
  const document = JSON.parse(readFileSync(file, "utf8")) as { provider_schemas?: Record<string, ProviderSchemas> };
  const schemas = document.provider_schemas?.[PROVIDER_SOURCE];
  if (!schemas) throw new Error(`${file} has no provider_schemas entry for ${PROVIDER_SOURCE}: run \`npm run generate\``);
  return schemas;
}

/** The object type of a block: what its DynamicValues decode under. */
export function blockType(schema: JsonBlockSchema): TerraformType {
  return ["object", Object.fromEntries(Object.entries(schema.block.attributes).map(([name, attribute]) => [name, attribute.type]))];
}

/**
 * Converts one JSON block schema to the tfplugin6 `Schema` message: the attribute type becomes
 * compact JSON bytes (`"string"`, `["list","string"]`), flags are copied as given.
 */
export function toProtoSchema(schema: JsonBlockSchema): MessageInitShape<typeof SchemaSchema> {
  return {
    version: BigInt(schema.version),
    block: {
      version: BigInt(schema.version),
      description: schema.block.description ?? "",
      descriptionKind: descriptionKind(schema.block.description_kind),
      deprecated: schema.block.deprecated ?? false,
      attributes: Object.entries(schema.block.attributes).map(([name, attribute]) => ({
        name,
        type: new TextEncoder().encode(JSON.stringify(attribute.type)),
        description: attribute.description ?? "",
        descriptionKind: descriptionKind(attribute.description_kind),
        required: attribute.required ?? false,
        optional: attribute.optional ?? false,
        computed: attribute.computed ?? false,
        sensitive: attribute.sensitive ?? false,
        deprecated: attribute.deprecated ?? false,
      })),
    },
  };
}

function descriptionKind(kind: string | undefined): StringKind {
  return kind === "markdown" ? StringKind.MARKDOWN : StringKind.PLAIN;
}
