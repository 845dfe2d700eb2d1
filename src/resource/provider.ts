import type { ResourceDefinition } from "./attributes.js";

/** Where Terraform finds the provider (filesystem mirror layout `<host>/<namespace>/<type>`). */
export const PROVIDER_HOST = "keyform.dev";
export const PROVIDER_NAMESPACE = "keyform";
export const PROVIDER_TYPE = "keyform";
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
/** Kept equal to package.json's version (a test checks). */
export const PROVIDER_VERSION = "0.1.0";

/**
 * The `provider "keyform"` block. With no endpoint, keyform (CLI and Terraform provider)
 * runs the API in-process on the SQLite store under `data_dir`.
 */
export const providerConfiguration: ResourceDefinition = {
  typeName: "keyform",
  description: "keyform: API keys of the IAM ApiKeyService, managed declaratively.",
  schemaVersion: 0,
  attributes: [
    {
      name: "endpoint",
      type: "string",
      mode: "optional",
      description:
        "ApiKeyService endpoint as host:port (also KEYFORM_ENDPOINT). Unset: the embedded default store under data_dir.",
    },
    {
      name: "token",
      type: "string",
      mode: "optional",
      sensitive: true,
      description: "Admin bearer token (also KEYFORM_TOKEN).",
    },
    {
      name: "api_key",
      type: "string",
      mode: "optional",
      sensitive: true,
      description: "Service-account API key secret (also KEYFORM_API_KEY); manages only that account's keys.",
    },
    {
      name: "ca_file",
      type: "string",
      mode: "optional",
      description: "PEM file of the CA that signed the endpoint's certificate (also KEYFORM_CA_FILE). Unset: system roots.",
    },
    {
      name: "insecure",
      type: "bool",
      mode: "optional",
      description: "Plaintext gRPC without TLS (also KEYFORM_INSECURE=1). Meant for loopback endpoints only.",
    },
    {
      name: "data_dir",
      type: "string",
      mode: "optional",
      description: "Directory of the embedded default store (also KEYFORM_DATA_DIR). Default: .keyform",
    },
    {
      name: "exclusive_service_accounts",
      type: ["list", "string"],
      mode: "optional",
      description:
        "Service accounts whose keys are managed exclusively: `keyform plan` deletes keys under them that no resource declares. Terraform itself ignores this setting.",
    },
  ],
};
