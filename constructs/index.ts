/**
 * keyform's CDKTF constructs: the bindings generated from schemas/provider-schema.json
 * (KeyformProvider, ApiKey = `keyform_api_key`, DataKeyformApiKeys = `keyform_api_keys`) and the
 * hand-written higher-level constructs built on them.
 */
export { KeyformProvider, type KeyformProviderConfig } from "./providers/keyform/provider/index.js";
export { ApiKey, type ApiKeyConfig } from "./providers/keyform/api-key/index.js";
export {
  DataKeyformApiKeys,
  type DataKeyformApiKeysConfig,
} from "./providers/keyform/data-keyform-api-keys/index.js";
export * as bindings from "./providers/keyform/index.js";
export type { ApiKeyProps } from "./api-key-props.js";
export type { KeyOutputs } from "./key-outputs.js";
export { findKeyformProvider } from "./keyform-provider-lookup.js";
export { ServiceAccountApiKeys, type ServiceAccountApiKeysConfig } from "./service-account-api-keys.js";
export { RotatingApiKey, DEFAULT_ROTATION_DAYS, type RotatingApiKeyConfig } from "./rotating-api-key.js";
