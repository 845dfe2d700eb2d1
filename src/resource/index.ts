export * from "./attributes.js";
export * from "./api-key.js";
export * from "./provider.js";
export * from "./limits.js";
export * from "./duration.js";
export * from "./validate.js";
export * from "./provider-schema.js";
