import { PROVIDER_SOURCE, PROVIDER_VERSION, apiKeyResource, apiKeysDataSource, validateServiceAccountId } from "../../resource/index.js";
import type { DesiredOutput, DesiredState } from "../types.js";
import { USE_CDKTF_DEPLOY } from "./load-error.js";
import { checkDependsOn, literalArguments } from "./resource-blocks.js";
import type { ProblemSink } from "./resource-blocks.js";
import { attributePath } from "./schema-check.js";
import { literalJson, parseReference, parseTemplate } from "./template.js";
import { satisfiesTerraformConstraint } from "./version-constraint.js";

type Json = Record<string, unknown>;

const REFERENCE_EXAMPLE = "${keyform_api_key.<name>.<attribute>}";

/**
 * One output. Its value is a literal JSON value, or exactly one reference to an attribute of a
 * declared key or listing; anything else would need Terraform to evaluate it. Its depends_on
 * may only name keys and listings of this stack (and is then ignored, as for resources).
 */
export function loadOutput(name: string, raw: Json, declared: ReadonlySet<string>, sink: ProblemSink): DesiredOutput {
  const address = `output.${name}`;
  checkDependsOn(address, raw, declared, sink);
  const sensitive = raw.sensitive === true;
  const description = typeof raw.description === "string" ? raw.description : null;
  const literal = (json: unknown): DesiredOutput => ({ name, sensitive, description, value: { kind: "literal", json } });
  if (sink.has(address, "value")) return literal(null);
  const rawValue = raw.value;
  if (typeof rawValue === "string" && parseTemplate(rawValue).kind === "expression") {
    const reference = parseReference(rawValue);
    if (!reference) {
      sink.add({ address, path: "value", message: `only a literal or exactly one attribute reference such as ${REFERENCE_EXAMPLE} is supported by keyform plan/apply (got "${rawValue}"); ${USE_CDKTF_DEPLOY}` });
      return literal(null);
    }
    const definition = reference.address.startsWith("data.") ? apiKeysDataSource : apiKeyResource;
    const typePrefix = reference.address.startsWith("data.") ? `data.${apiKeysDataSource.typeName}.` : `${apiKeyResource.typeName}.`;
    if (!reference.address.startsWith(typePrefix)) {
      sink.add({ address, path: "value", message: `refers to ${reference.address}, which keyform plan/apply do not manage; ${USE_CDKTF_DEPLOY}` });
    } else if (!declared.has(reference.address)) {
      sink.add({ address, path: "value", message: `refers to ${reference.address}, which this stack does not declare` });
    } else {
      const attribute = definition.attributes.find((candidate) => candidate.name === reference.attribute);
      if (!attribute) {
        sink.add({ address, path: "value", message: `refers to ${reference.address}.${reference.attribute}, but ${definition.typeName} has no attribute ${reference.attribute}` });
      } else if (attribute.sensitive && !sensitive) {
        sink.add({
          address,
          path: "sensitive",
          message: `must be true: the value refers to ${reference.address}.${reference.attribute}, which is sensitive (as Terraform requires, outputs holding secrets are marked sensitive)`,
        });
      }
    }
    return { name, sensitive, description, value: { kind: "reference", address: reference.address, attribute: reference.attribute, path: reference.path } };
  }
  const json = literalJson(rawValue, (path) =>
    sink.add({ address, path: attributePath(["value", ...path]), message: `keyform plan/apply support an expression only as the whole output value, a single reference such as ${REFERENCE_EXAMPLE}; ${USE_CDKTF_DEPLOY}` }),
  );
  return literal(json);
}

const PROVIDER_ARGUMENTS = ["endpoint", "data_dir", "insecure", "ca_file", "exclusive_service_accounts"];
const SECRET_ARGUMENTS: Record<string, string> = { token: "KEYFORM_TOKEN", api_key: "KEYFORM_API_KEY" };

/**
 * The `provider "keyform"` block. Credentials are refused here: a secret in cdk.tf.json ends up
 * in version control, CI artifacts and plan files, so it must come from the environment.
 */
export function loadProvider(raw: Json | undefined, sink: ProblemSink): Pick<DesiredState, "provider" | "exclusive_service_accounts"> {
  const address = "provider.keyform";
  const block = raw ?? {};
  for (const [name, variable] of Object.entries(SECRET_ARGUMENTS)) {
    if (name in block) {
      sink.add({
        address,
        path: name,
        message: `must not be set in the configuration, where it would be stored in cdk.tf.json; set the ${variable} environment variable instead (for example ${variable}="$(cat <file>)")`,
      });
    }
  }
  if ("alias" in block) sink.add({ address, path: "alias", message: `provider aliases are not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` });
  const values = literalArguments(address, block, PROVIDER_ARGUMENTS, sink);
  const accounts = Array.isArray(values.exclusive_service_accounts) ? (values.exclusive_service_accounts as string[]) : [];
  accounts.forEach((account, index) => {
    for (const problem of validateServiceAccountId(account, `exclusive_service_accounts[${index}]`)) sink.add({ address, ...problem });
  });
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : null);
  return {
    provider: { endpoint: text("endpoint"), data_dir: text("data_dir"), insecure: typeof values.insecure === "boolean" ? values.insecure : null, ca_file: text("ca_file") },
    exclusive_service_accounts: [...new Set(accounts)].sort(),
  };
}

/** `terraform.required_providers.keyform`: our source, and a version constraint we satisfy. */
export function checkRequiredProvider(terraform: Json | undefined, usesKeyform: boolean, sink: ProblemSink): void {
  const address = "terraform";
  if (sink.has(address, "required_providers")) return;
  const required = ((terraform?.required_providers ?? {}) as Json).keyform as Json | undefined;
  if (!required) {
    if (usesKeyform) {
      sink.add({ address, path: "required_providers.keyform", message: `is required (source "${PROVIDER_SOURCE}", version "${PROVIDER_VERSION}"); the keyform provider construct declares it` });
    }
    return;
  }
  const { source, version } = required;
  if (typeof source === "string" && source.toLowerCase() !== PROVIDER_SOURCE) {
    sink.add({ address, path: "required_providers.keyform.source", message: `must be "${PROVIDER_SOURCE}" (got "${source}")` });
  }
  if (typeof version === "string") {
    const satisfied = satisfiesTerraformConstraint(PROVIDER_VERSION, version);
    if (satisfied === undefined) {
      sink.add({ address, path: "required_providers.keyform.version", message: `"${version}" is not a version constraint such as "${PROVIDER_VERSION}" or "~> 0.1"` });
    } else if (!satisfied) {
      sink.add({ address, path: "required_providers.keyform.version", message: `"${version}" does not allow this keyform, version ${PROVIDER_VERSION}` });
    }
  }
}
