import type { AttributeDefinition, ResourceDefinition } from "./attributes.js";
import { apiKeyResource, apiKeysDataSource } from "./api-key.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION, providerConfiguration } from "./provider.js";

/**
 * Builds the provider schema in the format `terraform providers schema -json` prints, from
 * the resource definitions. `npm run generate` writes it to schemas/provider-schema.json,
 * which is the single source for the CDKTF bindings and the provider's GetProviderSchema.
 */
export function buildProviderSchemaDocument() {
  return {
    format_version: "1.0",
    provider_schemas: {
      [PROVIDER_SOURCE]: {
        provider: schemaOf(providerConfiguration),
        resource_schemas: { [apiKeyResource.typeName]: schemaOf(apiKeyResource) },
        data_source_schemas: { [apiKeysDataSource.typeName]: schemaOf(apiKeysDataSource) },
      },
    },
    provider_versions: { [PROVIDER_SOURCE]: PROVIDER_VERSION },
  };
}

function schemaOf(definition: ResourceDefinition) {
  return {
    version: definition.schemaVersion,
    block: {
      attributes: Object.fromEntries(definition.attributes.map((attribute) => [attribute.name, attributeSchema(attribute)])),
      description: definition.description,
      description_kind: "plain",
    },
  };
}

function attributeSchema(attribute: AttributeDefinition) {
  return {
    type: attribute.type,
    description: attribute.description,
    description_kind: "plain",
    ...(attribute.mode === "required" ? { required: true } : {}),
    ...(attribute.mode === "optional" || attribute.mode === "optional_computed" ? { optional: true } : {}),
    ...(attribute.mode === "computed" || attribute.mode === "optional_computed" ? { computed: true } : {}),
    ...(attribute.sensitive ? { sensitive: true } : {}),
  };
}
