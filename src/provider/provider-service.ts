import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService } from "@bufbuild/protobuf/codegenv2";
import type { Provider } from "../gen/tfplugin6/tfplugin6.8_pb.js";
import { Deferred_Reason } from "../gen/tfplugin6/tfplugin6.8_pb.js";
import type { ClientCapabilities, DynamicValue } from "../gen/tfplugin6/tfplugin6.8_pb.js";
import { ConnectionSettingsError, ENVIRONMENT_VARIABLES } from "../embedded/settings.js";
import { apiKeyResource, apiKeysDataSource } from "../resource/index.js";
import type { TerraformType } from "../resource/index.js";
import type { TerraformObject, TerraformValue } from "./dynamic-value.js";
import { UNKNOWN, decodeDynamicValue, encodeDynamicValue, valueFromJson } from "./dynamic-value.js";
import { errorDiagnostic, unknownSettingDiagnostic } from "./diagnostics.js";
import type { DiagnosticInit } from "./diagnostics.js";
import type { ProviderSchemas } from "./provider-schema.js";
import { blockType, toProtoSchema } from "./provider-schema.js";
import type { ProviderContext } from "./provider-context.js";
import { attributeOfSetting, settingOfAttribute } from "./provider-context.js";
import { planApiKey } from "./api-key-plan.js";
import { applyApiKey, importApiKey, readApiKey, validateApiKeyConfig } from "./api-key-resource.js";
import { readApiKeys, validateApiKeysConfig } from "./api-keys-data-source.js";

type Methods = typeof Provider extends GenService<infer M> ? M : never;

/** One handler per RPC: plain request message in, response init out. */
export type ProviderHandlers = {
  [K in keyof Methods]?: (request: MessageShape<Methods[K]["input"]>) => Promise<MessageInitShape<Methods[K]["output"]>>;
};

const RESOURCE = apiKeyResource.typeName;
const DATA_SOURCE = apiKeysDataSource.typeName;

/**
 * The tfplugin6 RPCs Terraform 1.11 calls for keyform_api_key and keyform_api_keys. RPCs
 * missing here (functions, ephemeral resources, MoveResourceState, GetMetadata) are answered
 * UNIMPLEMENTED by the server adapter; Terraform does not call them for this schema.
 * Handlers return diagnostics instead of throwing; a throw is a bug.
 */
export function createProviderHandlers(schemas: ProviderSchemas | Error, context: ProviderContext): ProviderHandlers {
  const types = schemas instanceof Error ? undefined : {
    provider: blockType(schemas.provider),
    resource: blockType(schemas.resource_schemas[RESOURCE] ?? missing(RESOURCE)),
    dataSource: blockType(schemas.data_source_schemas[DATA_SOURCE] ?? missing(DATA_SOURCE)),
  };
  const resourceType = (typeName: string): TerraformType => {
    if (!types) throw schemas as Error;
    if (typeName !== RESOURCE) throw new Error(`unknown resource type ${typeName}`);
    return types.resource;
  };
  const decode = (type: TerraformType, value: DynamicValue | undefined) => decodeDynamicValue(type, value?.msgpack ?? new Uint8Array()) as TerraformObject | null;
  const encode = (type: TerraformType, value: TerraformValue) => ({ msgpack: encodeDynamicValue(type, value) });
  // With a provider setting unknown (plan time), nothing may reach an API: defer when Terraform
  // allows it, else refuse (ConfigureProvider already said why, on the attribute).
  const unknownConfiguration = (capabilities: ClientCapabilities | undefined) => {
    if (context.unknownAttributes.length === 0) return undefined;
    if (capabilities?.deferralAllowed) return { deferred: { reason: Deferred_Reason.PROVIDER_CONFIG_UNKNOWN } };
    return { diagnostics: unknownSettingDiagnostics(context.unknownAttributes) };
  };

  return {
    async getProviderSchema() {
      if (schemas instanceof Error) return { diagnostics: [errorDiagnostic("keyform provider schema unavailable", schemas.message)] };
      return {
        provider: toProtoSchema(schemas.provider),
        resourceSchemas: Object.fromEntries(Object.entries(schemas.resource_schemas).map(([name, schema]) => [name, toProtoSchema(schema)])),
        dataSourceSchemas: Object.fromEntries(Object.entries(schemas.data_source_schemas).map(([name, schema]) => [name, toProtoSchema(schema)])),
        serverCapabilities: { planDestroy: true },
      };
    },
    async validateProviderConfig(request) {
      if (!types) return { diagnostics: [] };
      return { diagnostics: validateProviderBlock(decode(types.provider, request.config)) };
    },
    async configureProvider(request) {
      if (!types) return { diagnostics: [errorDiagnostic("keyform provider schema unavailable", (schemas as Error).message)] };
      try {
        context.configure(decode(types.provider, request.config));
      } catch (error) {
        const attribute = error instanceof ConnectionSettingsError && error.setting ? attributeOfSetting(error.setting) : undefined;
        return { diagnostics: [errorDiagnostic("Invalid keyform provider configuration", (error as Error).message, attribute)] };
      }
      if (request.clientCapabilities?.deferralAllowed) return { diagnostics: [] };
      return { diagnostics: unknownSettingDiagnostics(context.unknownAttributes) };
    },
    async validateResourceConfig(request) {
      return { diagnostics: validateApiKeyConfig(decode(resourceType(request.typeName), request.config)) };
    },
    async upgradeResourceState(request) {
      const type = resourceType(request.typeName);
      if (request.version > BigInt(apiKeyResource.schemaVersion)) {
        return { diagnostics: [errorDiagnostic("State written by a newer keyform provider", `Schema version ${request.version} is newer than ${apiKeyResource.schemaVersion}: upgrade keyform.`)] };
      }
      const json = request.rawState?.json ?? new Uint8Array();
      try {
        const raw: unknown = json.length ? JSON.parse(new TextDecoder().decode(json)) : null;
        return { upgradedState: encode(type, valueFromJson(type, raw)) };
      } catch (error) {
        // The message names the attribute path only, never a stored value (it may be a secret).
        const reason = error instanceof SyntaxError ? "it is not valid JSON" : (error as Error).message;
        return {
          diagnostics: [
            errorDiagnostic(
              "Unreadable keyform_api_key state",
              `The stored state cannot be read: ${reason}. Restore the state file from a backup, or remove the resource with terraform state rm and import the key again.`,
            ),
          ],
        };
      }
    },
    async readResource(request) {
      const type = resourceType(request.typeName);
      const unknown = unknownConfiguration(request.clientCapabilities);
      if (unknown) return { newState: request.currentState, private: request.private, ...unknown };
      const result = await readApiKey(context, decode(type, request.currentState));
      return { newState: encode(type, result.state), diagnostics: result.diagnostics, private: request.private };
    },
    async planResourceChange(request) {
      const type = resourceType(request.typeName);
      const result = planApiKey({
        prior: decode(type, request.priorState),
        proposed: decode(type, request.proposedNewState),
        priorPrivate: request.priorPrivate,
        now: Date.now(),
      });
      return {
        plannedState: encode(type, result.planned),
        requiresReplace: result.requiresReplace.map((name) => ({ steps: [{ selector: { case: "attributeName" as const, value: name } }] })),
        plannedPrivate: request.priorPrivate,
        ...unknownConfiguration(request.clientCapabilities),
      };
    },
    async applyResourceChange(request) {
      const type = resourceType(request.typeName);
      const result = await applyApiKey(context, decode(type, request.priorState), decode(type, request.plannedState));
      return { newState: encode(type, result.state), diagnostics: result.diagnostics };
    },
    async importResourceState(request) {
      const type = resourceType(request.typeName);
      const result = importApiKey(request.id, Object.keys((type as readonly ["object", Record<string, TerraformType>])[1]));
      if (!result.state) return { diagnostics: result.diagnostics };
      const unknown = unknownConfiguration(request.clientCapabilities);
      if (unknown?.diagnostics) return unknown;
      return {
        importedResources: [{ typeName: request.typeName, state: encode(type, result.state), private: result.private ?? new Uint8Array() }],
        diagnostics: result.diagnostics,
        ...unknown,
      };
    },
    async validateDataResourceConfig(request) {
      if (!types || request.typeName !== DATA_SOURCE) return { diagnostics: [unknownType(request.typeName)] };
      return { diagnostics: validateApiKeysConfig(decode(types.dataSource, request.config)) };
    },
    async readDataSource(request) {
      if (!types || request.typeName !== DATA_SOURCE) return { diagnostics: [unknownType(request.typeName)] };
      const config = decode(types.dataSource, request.config) ?? {};
      const unknown = unknownConfiguration(request.clientCapabilities);
      if (unknown) return { state: encode(types.dataSource, { ...config, id: UNKNOWN, keys: UNKNOWN }), ...unknown };
      const result = await readApiKeys(context, config);
      return { state: encode(types.dataSource, result.state ?? config), diagnostics: result.diagnostics };
    },
    async stopProvider() {
      // Requests run to completion quickly (one RPC each); there is nothing long to cancel.
      return {};
    },
  };
}

/** Contradictions within the provider block that connect() would reject later, reported on the attribute. */
export function validateProviderBlock(config: TerraformObject | null): DiagnosticInit[] {
  const set = (name: string) => typeof config?.[name] === "string" && config[name] !== "";
  const diagnostics: DiagnosticInit[] = [];
  if (set("token") && set("api_key")) {
    diagnostics.push(errorDiagnostic("Conflicting keyform credentials", "Set either token (a bearer token) or api_key (an API key secret), not both.", "api_key"));
  }
  if (config?.insecure === true && set("ca_file")) {
    diagnostics.push(errorDiagnostic("Conflicting keyform TLS settings", "insecure = true means plaintext, ca_file means TLS: set only one of them.", "ca_file"));
  }
  return diagnostics;
}

function unknownSettingDiagnostics(attributes: readonly string[]): DiagnosticInit[] {
  return attributes.map((attribute) => unknownSettingDiagnostic(attribute, ENVIRONMENT_VARIABLES[settingOfAttribute(attribute)]));
}

function missing(typeName: string): never {
  throw new Error(`schemas/provider-schema.json has no schema for ${typeName}: run \`npm run generate\``);
}

function unknownType(typeName: string): DiagnosticInit {
  return errorDiagnostic(`Unknown data source ${typeName}`, `keyform provides the data source ${DATA_SOURCE} only.`);
}
