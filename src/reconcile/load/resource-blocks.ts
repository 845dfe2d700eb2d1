import { apiKeyResource, configurableAttributes, validateApiKeyArguments, validateServiceAccountId } from "../../resource/index.js";
import type { ApiKeyConfig, DesiredKey, DesiredKeyListing, Lifecycle } from "../types.js";
import { USE_CDKTF_DEPLOY } from "./load-error.js";
import type { Located } from "./schema-check.js";
import { attributePath } from "./schema-check.js";
import { literalJson } from "./template.js";

type Json = Record<string, unknown>;

const KEY_ARGUMENTS = configurableAttributes(apiKeyResource).map((attribute) => attribute.name);

/** Collects problems; an attribute that already has one is not checked again (one cause, one message). */
export class ProblemSink {
  readonly problems: Located[] = [];
  private readonly flagged = new Map<string, string[]>();
  constructor(schemaProblems: readonly Located[]) {
    for (const problem of schemaProblems) this.add(problem);
  }
  add(problem: Located): void {
    this.problems.push(problem);
    this.flagged.set(problem.address, [...(this.flagged.get(problem.address) ?? []), problem.path]);
  }
  /** True when a problem was reported for this attribute path, inside it, or for the whole address. */
  has(address: string, path: string): boolean {
    return (this.flagged.get(address) ?? []).some(
      (flagged) => flagged === "" || flagged === path || flagged.startsWith(`${path}.`) || flagged.startsWith(`${path}[`),
    );
  }
  /** Problems by address (code-unit order), each address's problems in the order found. */
  sorted(): Located[] {
    return [...this.problems].sort((left, right) => (left.address < right.address ? -1 : left.address > right.address ? 1 : 0));
  }
}

/** Copies literal argument values, reporting each `${...}`/`%{...}` as an unsupported expression. */
export function literalArguments(address: string, raw: Json, names: readonly string[], sink: ProblemSink): Json {
  const values: Json = {};
  for (const name of names) {
    if (!(name in raw) || sink.has(address, name)) continue;
    let hasExpression = false;
    values[name] = literalJson(raw[name], (path) => {
      hasExpression = true;
      sink.add({ address, path: attributePath([name, ...path]), message: `expressions ("\${...}") in arguments are not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` });
    });
    if (hasExpression) delete values[name];
  }
  return values;
}

/** Declared instances of a block type (`//` metadata skipped), in name order. */
export function instancesOf(block: unknown): [string, Json][] {
  if (block === null || typeof block !== "object") return [];
  return Object.entries(block as Json)
    .filter((entry): entry is [string, Json] => entry[0] !== "//" && entry[1] !== null && typeof entry[1] === "object" && !Array.isArray(entry[1]))
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
}

/** One `keyform_api_key`: arguments (validated by src/resource), lifecycle, meta-arguments. */
export function loadApiKey(name: string, raw: Json, declared: ReadonlySet<string>, sink: ProblemSink): DesiredKey {
  const address = `${apiKeyResource.typeName}.${name}`;
  const values = literalArguments(address, raw, KEY_ARGUMENTS, sink);
  for (const problem of validateApiKeyArguments(values)) {
    if (!sink.has(address, /^[^.[]*/.exec(problem.path)?.[0] ?? problem.path)) sink.add({ address, ...problem });
  }
  checkMetaArguments(address, raw, declared, sink);
  const config: ApiKeyConfig = {
    service_account_id: typeof values.service_account_id === "string" ? values.service_account_id : "",
    description: (values.description as string | undefined) ?? null,
    scopes: (values.scopes as string[] | undefined) ?? null,
    expires_at: (values.expires_at as string | undefined) ?? null,
    rotate_after: (values.rotate_after as string | undefined) ?? null,
    keepers: (values.keepers as Record<string, string> | undefined) ?? null,
    age_recipients: (values.age_recipients as string[] | undefined) ?? null,
  };
  return { address, config, lifecycle: loadLifecycle(address, raw.lifecycle, sink) };
}

function loadLifecycle(address: string, raw: unknown, sink: ProblemSink): Lifecycle {
  const lifecycle = (raw ?? {}) as Json;
  let ignoreChanges: Lifecycle["ignore_changes"] = [];
  const ignored = lifecycle.ignore_changes;
  if (typeof ignored === "string") {
    if (ignored === "all") ignoreChanges = "all";
    else sink.add({ address, path: "lifecycle.ignore_changes", message: `must be "all" or a list of argument names (got "${ignored}")` });
  } else if (Array.isArray(ignored) && !sink.has(address, "lifecycle.ignore_changes")) {
    ignoreChanges = ignored.filter((item): item is string => typeof item === "string");
    ignoreChanges.forEach((item, index) => {
      if (!KEY_ARGUMENTS.includes(item)) {
        sink.add({ address, path: `lifecycle.ignore_changes[${index}]`, message: `"${item}" is not an argument of ${apiKeyResource.typeName} (one of ${KEY_ARGUMENTS.join(", ")})` });
      }
    });
  }
  return {
    create_before_destroy: lifecycle.create_before_destroy === true,
    prevent_destroy: lifecycle.prevent_destroy === true,
    ignore_changes: ignoreChanges,
  };
}

/**
 * depends_on is accepted and ignored: keys are independent of one another, so ordering adds
 * nothing; but it must name things this stack declares, or the stack needs Terraform.
 * `provider` may only name the default keyform provider (aliases are not supported).
 */
function checkMetaArguments(address: string, raw: Json, declared: ReadonlySet<string>, sink: ProblemSink): void {
  checkDependsOn(address, raw, declared, sink);
  if (typeof raw.provider === "string" && raw.provider !== "keyform") {
    sink.add({ address, path: "provider", message: `provider aliases ("${raw.provider}") are not supported by keyform plan/apply; ${USE_CDKTF_DEPLOY}` });
  }
}

const KEYFORM_ADDRESS = /^(keyform_api_key|data\.keyform_api_keys)\./;

/**
 * Reports every `depends_on[i]` of `address` (a resource, data source or output) that names
 * nothing this stack declares: an undeclared keyform_api_key/keyform_api_keys is a typo to
 * fix; anything else would need Terraform to order it.
 */
export function checkDependsOn(address: string, raw: Json, declared: ReadonlySet<string>, sink: ProblemSink): void {
  if (!Array.isArray(raw.depends_on) || sink.has(address, "depends_on")) return;
  raw.depends_on.forEach((target: unknown, index) => {
    if (typeof target !== "string" || declared.has(target)) return;
    const message = KEYFORM_ADDRESS.test(target)
      ? `"${target}" is not declared in this stack; declare it or remove it from depends_on`
      : `"${target}" is not a keyform_api_key or keyform_api_keys declared in this stack, and keyform plan/apply cannot order other things; ${USE_CDKTF_DEPLOY}`;
    sink.add({ address, path: `depends_on[${index}]`, message });
  });
}

/** One `keyform_api_keys` data source. */
export function loadListing(name: string, raw: Json, declared: ReadonlySet<string>, sink: ProblemSink): DesiredKeyListing {
  const address = `data.keyform_api_keys.${name}`;
  const values = literalArguments(address, raw, ["service_account_id"], sink);
  if (!sink.has(address, "service_account_id")) {
    for (const problem of validateServiceAccountId(values.service_account_id)) sink.add({ address, ...problem });
  }
  checkMetaArguments(address, raw, declared, sink);
  return { address, service_account_id: typeof values.service_account_id === "string" ? values.service_account_id : "" };
}
