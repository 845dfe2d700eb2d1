import { readFileSync } from "node:fs";
import { createTracer } from "../../client/trace.js";
import type { DesiredState } from "../types.js";
import { DesiredStateError } from "./load-error.js";
import { ProblemSink, instancesOf, loadApiKey, loadListing } from "./resource-blocks.js";
import { checkSchema } from "./schema-check.js";
import { checkRequiredProvider, loadOutput, loadProvider } from "./stack-blocks.js";

type Json = Record<string, unknown>;

/**
 * Reads a synthesized stack (cdk.tf.json) into the desired state: `keyform_api_key`
 * resources with their lifecycle, `keyform_api_keys` data sources, outputs, the keyform provider
 * block and its required_providers entry. The document is checked against
 * schemas/cdk-tf-json.schema.json (ajv) and every argument by src/resource's validation.
 * Keys, listings and outputs come out sorted by address/name.
 *
 * @throws DesiredStateError listing EVERY problem (address + attribute path + what to do),
 *   including everything keyform does not support (other providers' resources, count,
 *   for_each, expressions...), which points at `cdktf deploy`. Also for an unreadable file.
 */
export function loadDesiredState(file: string, stack: string): DesiredState {
  const trace = createTracer("load");
  const started = performance.now();
  const desired = desiredStateFromJson(readDocument(file), file, stack);
  trace(`${file}: ${desired.keys.length} keys, ${desired.listings.length} listings, ${desired.outputs.length} outputs in ${(performance.now() - started).toFixed(1)} ms`);
  return desired;
}

/** As loadDesiredState, for an already parsed document (`file` is only used in messages). */
export function desiredStateFromJson(parsed: unknown, file: string, stack: string): DesiredState {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new DesiredStateError(file, [{ file, address: "", path: "", message: "must hold a JSON object (a synthesized Terraform configuration)" }]);
  }
  const document = normalizeProviderBlock(parsed as Json);
  const sink = new ProblemSink(checkSchema(document));

  const resources = instancesOf((document.resource as Json | undefined)?.keyform_api_key);
  const dataSources = instancesOf((document.data as Json | undefined)?.keyform_api_keys);
  const declared = new Set([...resources.map(([name]) => `keyform_api_key.${name}`), ...dataSources.map(([name]) => `data.keyform_api_keys.${name}`)]);
  const keys = resources.map(([name, raw]) => loadApiKey(name, raw, declared, sink));
  const listings = dataSources.map(([name, raw]) => loadListing(name, raw, declared, sink));
  const outputs = instancesOf(document.output).map(([name, raw]) => loadOutput(name, raw, declared, sink));
  const providerList = (document.provider as Json | undefined)?.keyform;
  // With several blocks (aliases) the schema has reported it; the first still gets checked.
  const providerBlock = Array.isArray(providerList) && providerList.length > 0 ? (providerList[0] as Json) : undefined;
  const provider = loadProvider(providerBlock, sink);
  checkRequiredProvider(document.terraform as Json | undefined, declared.size > 0 || providerBlock !== undefined, sink);

  if (sink.problems.length > 0) throw new DesiredStateError(file, sink.sorted().map((problem) => ({ file, ...problem })));
  return { stack, file, keys, listings, outputs, ...provider };
}

function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist; run `cdktf synth` (or pass --synth)" : `cannot be read (${(error as Error).message})`;
    throw new DesiredStateError(file, [{ file, address: "", path: "", message: reason }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DesiredStateError(file, [{ file, address: "", path: "", message: `is not valid JSON (${(error as Error).message})` }]);
  }
}

/** Terraform JSON allows `"provider": {"keyform": {...}}`; CDKTF writes a list of one. */
function normalizeProviderBlock(document: Json): Json {
  const provider = document.provider as Json | undefined;
  const keyform = provider?.keyform;
  if (keyform === null || typeof keyform !== "object" || Array.isArray(keyform)) return document;
  return { ...document, provider: { ...provider, keyform: [keyform] } };
}
