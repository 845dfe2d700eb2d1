import { evaluateOutputs, listingValues } from "../outputs.js";
import type { Actions, DesiredOutput, DesiredState, ObservedKey, ResourceChange, StateFile } from "../types.js";
import { compareText } from "./compare.js";

type OutputChanges = Record<string, { readonly actions: Actions; readonly sensitive: boolean }>;

/**
 * Output changes, by name in code-unit order: create (not in state), delete (no longer
 * declared), update (its value or sensitivity will differ after apply), otherwise no-op.
 * A reference changes when its attribute is unknown after the change or differs between
 * before and after. A `keyform_api_keys` listing changes when any key of its account changes;
 * otherwise its value as refresh listed it (`observed`) is compared with state's, so that a
 * key made or edited outside keyform shows here, and an apply after "no changes" writes nothing.
 */
export function planOutputs(
  desired: DesiredState,
  state: StateFile | null,
  changes: readonly ResourceChange[],
  observed: ReadonlyMap<string, readonly ObservedKey[]>,
): OutputChanges {
  const prior = state?.outputs ?? {};
  const changeByAddress = new Map(changes.filter((change) => change.deposed === undefined).map((change) => [change.address, change]));
  const listingAccounts = new Map(desired.listings.map((listing) => [listing.address, listing.service_account_id]));
  const changedAccounts = new Set(changes.filter((change) => change.actions[0] !== "no-op").map((change) => change.service_account_id));
  const listed = listingValues(desired, observed);
  const context: ValueContext = { changeByAddress, listingAccounts, changedAccounts, listed, state };
  const result: OutputChanges = {};
  const declared = new Map(desired.outputs.map((output) => [output.name, output]));
  const names = [...new Set([...declared.keys(), ...Object.keys(prior)])].sort(compareText);
  for (const name of names) {
    const output = declared.get(name);
    const before = prior[name];
    if (!output) {
      result[name] = { actions: ["delete"], sensitive: before?.sensitive ?? false };
      continue;
    }
    const changed = before === undefined ? true : before.sensitive !== output.sensitive || valueChanges(output, before.value, context);
    result[name] = { actions: before === undefined ? ["create"] : changed ? ["update"] : ["no-op"], sensitive: output.sensitive };
  }
  return result;
}

interface ValueContext {
  readonly changeByAddress: ReadonlyMap<string, ResourceChange>;
  readonly listingAccounts: ReadonlyMap<string, string>;
  readonly changedAccounts: ReadonlySet<string>;
  /** Listing values of the accounts refresh listed. */
  readonly listed: ReadonlyMap<string, Record<string, unknown>>;
  readonly state: StateFile | null;
}

function valueChanges(output: DesiredOutput, priorValue: unknown, context: ValueContext): boolean {
  const value = output.value;
  if (value.kind === "literal") return canonicalJson(value.json) !== canonicalJson(priorValue);
  const account = context.listingAccounts.get(value.address);
  if (account !== undefined) {
    if (context.changedAccounts.has(account)) return true;
    // Not listed (--refresh=false): state's value is trusted, as for keys.
    if (!context.listed.has(value.address)) return false;
    const { values } = evaluateOutputs([output], context.state, context.listed);
    return canonicalJson(values[output.name]?.value ?? null) !== canonicalJson(priorValue);
  }
  const change = context.changeByAddress.get(value.address);
  if (!change || change.actions[0] === "no-op") return false;
  if (change.after_unknown[value.attribute] === true) return true;
  return canonicalJson(change.before?.[value.attribute] ?? null) !== canonicalJson(change.after?.[value.attribute] ?? null);
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([left], [right]) => compareText(left, right));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
