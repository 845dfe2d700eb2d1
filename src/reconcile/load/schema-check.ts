import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { apiKeyResource, configurableAttributes, providerConfiguration } from "../../resource/index.js";
import { USE_CDKTF_DEPLOY } from "./load-error.js";

/** A schema problem before the file name is attached. */
export interface Located {
  readonly address: string;
  readonly path: string;
  readonly message: string;
}

const SCHEMA_FILE = "schemas/cdk-tf-json.schema.json";
const META_ARGUMENTS = new Set(["count", "for_each", "provisioner", "connection", "replace_triggered_by", "precondition", "postcondition"]);
const COMPUTED = new Set(apiKeyResource.attributes.filter((attribute) => attribute.mode === "computed").map((attribute) => attribute.name));
const KEY_ARGUMENTS = configurableAttributes(apiKeyResource).map((attribute) => attribute.name);
// Credentials are left out: they are refused in configuration (environment variables only).
const PROVIDER_ARGUMENTS = providerConfiguration.attributes.filter((attribute) => !attribute.sensitive).map((attribute) => attribute.name);
const TYPE_NAMES: Record<string, string> = { string: "a string", array: "a list", object: "an object (map)", boolean: "a bool", number: "a number" };

let compiled: ValidateFunction | undefined;

/** The compiled schema, built on first use and reused (compiling costs more than validating). */
function validator(): ValidateFunction {
  if (!compiled) {
    const schema: unknown = JSON.parse(readFileSync(findSchemaFile(), "utf8"));
    compiled = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema as object);
  }
  return compiled;
}

/** schemas/ sits at the package root, above both src/ (tests, tsx) and dist/src/ (built CLI). */
function findSchemaFile(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`${SCHEMA_FILE} not found above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

/**
 * Validates a parsed cdk.tf.json against schemas/cdk-tf-json.schema.json and turns each ajv
 * error into a problem naming the Terraform address and attribute path, with a message that
 * says what to do (unsupported things point at `cdktf deploy`).
 */
export function checkSchema(document: unknown): Located[] {
  const validate = validator();
  if (validate(document)) return [];
  return (validate.errors ?? []).flatMap((error) => describe(error, document));
}

function describe(error: ErrorObject, document: unknown): Located[] {
  const segments = error.instancePath.split("/").slice(1).map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (error.keyword === "additionalProperties") {
    const property = String((error.params as { additionalProperty: string }).additionalProperty);
    return describeUnexpected([...segments, property], document);
  }
  if (error.keyword === "required") {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return [{ ...locate([...segments, missing]), message: "is required" }];
  }
  const location = locate(segments);
  if (error.keyword === "type") {
    const types = String((error.params as { type: string }).type).split(",");
    return [{ ...location, message: `must be ${types.map((type) => TYPE_NAMES[type] ?? type).join(" or ")}` }];
  }
  if ((error.keyword === "maxItems" || error.keyword === "minItems") && segments[0] === "provider") {
    return [{ ...location, message: "must be configured exactly once (provider aliases are not supported)" }];
  }
  return [{ ...location, message: error.message ?? `fails the ${error.keyword} rule` }];
}

/** A property the schema does not allow: unsupported block, resource type, meta-argument or argument. */
function describeUnexpected(segments: readonly string[], document: unknown): Located[] {
  const [block, type, , argument] = segments;
  const property = segments[segments.length - 1] ?? "";
  if (segments.length === 1) return [{ address: property, path: "", message: `${property} blocks are not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` }];
  if ((block === "resource" || block === "data") && segments.length === 2) {
    // One problem per declared instance, so that each is named by its address.
    const prefix = block === "data" ? "data." : "";
    const kind = block === "data" ? "data source" : "resource type";
    const instances = Object.keys(objectAt(document, [block, property])).filter((instance) => instance !== "//");
    const addresses = instances.length > 0 ? instances.map((instance) => `${prefix}${property}.${instance}`) : [`${prefix}${property}`];
    return addresses.map((address) => ({ address, path: "", message: `${kind} ${property} is not supported by keyform plan/apply, which manage only keyform_api_key and read only keyform_api_keys; ${USE_CDKTF_DEPLOY}` }));
  }
  if (block === "provider" && segments.length === 2) {
    return [{ address: `provider.${property}`, path: "", message: `provider ${property} is not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` }];
  }
  const where = locate(segments);
  if (META_ARGUMENTS.has(property) || (block === "terraform" && segments.length === 2)) {
    return [{ ...where, message: `${property} is not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` }];
  }
  if (block === "resource" && segments.length === 4 && COMPUTED.has(argument ?? "")) {
    return [{ ...where, message: "is computed by the API and cannot be set" }];
  }
  if (block === "resource" && segments.length === 4) {
    return [{ ...where, message: `unsupported argument; ${type} accepts ${KEY_ARGUMENTS.join(", ")}, lifecycle, depends_on` }];
  }
  if (block === "provider") return [{ ...where, message: `unsupported argument; provider ${type} accepts ${PROVIDER_ARGUMENTS.join(", ")}` }];
  return [{ ...where, message: "unsupported argument" }];
}

/** Maps a JSON pointer's segments to an address and an attribute path. */
function locate(segments: readonly string[]): { address: string; path: string } {
  const [block, ...rest] = segments;
  switch (block) {
    case "resource":
      return rest.length < 2 ? { address: ["resource", ...rest].join("."), path: "" } : { address: `${rest[0]}.${rest[1]}`, path: attributePath(rest.slice(2)) };
    case "data":
      return rest.length < 2 ? { address: ["data", ...rest].join("."), path: "" } : { address: `data.${rest[0]}.${rest[1]}`, path: attributePath(rest.slice(2)) };
    case "output":
      return rest.length < 1 ? { address: "output", path: "" } : { address: `output.${rest[0]}`, path: attributePath(rest.slice(1)) };
    case "provider":
      // CDKTF writes each provider as a list of one configuration: the index is noise.
      return rest.length < 1 ? { address: "provider", path: "" } : { address: `provider.${rest[0]}`, path: attributePath(rest.slice(/^\d+$/.test(rest[1] ?? "") ? 2 : 1)) };
    case "terraform":
      return { address: "terraform", path: attributePath(rest) };
    default:
      return { address: block ?? "", path: attributePath(rest) };
  }
}

/** `scopes/1` -> `scopes[1]`, `keepers/team` -> `keepers["team"]`, `lifecycle/x` -> `lifecycle.x`. */
export function attributePath(segments: readonly (string | number)[]): string {
  let text = "";
  segments.forEach((segment, index) => {
    if (typeof segment === "number" || /^\d+$/.test(segment)) text += `[${segment}]`;
    else if (index > 0 && segments[index - 1] === "keepers") text += `[${JSON.stringify(segment)}]`;
    else text += text === "" ? segment : `.${segment}`;
  });
  return text;
}

function objectAt(document: unknown, segments: readonly string[]): Record<string, unknown> {
  let value: unknown = document;
  for (const segment of segments) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}
