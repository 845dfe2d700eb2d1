import type { Drift, ObservedKey, Plan, ResourceChange } from "../types.js";
import { attributeLines } from "./attribute-lines.js";
import type { DiffLine, Sign } from "./attribute-lines.js";
import { splitAddress, summaryLine, symbolOf } from "./plan-summary.js";

export interface TextOptions {
  /** ANSI colors (a terminal); off for files, pipes and CI logs. */
  readonly color: boolean;
  /**
   * Put each diff line's sign in column 0 (`+`, `-`, `~`; replacements `~`) and indent every
   * other line by the same one column, so that a Markdown `diff` code block colors the lines.
   */
  readonly diffGutter?: boolean;
}

const ANSI = { reset: "\u001b[0m", bold: "\u001b[1m", red: "\u001b[31m", green: "\u001b[32m", yellow: "\u001b[33m" } as const;
const SIGN_COLORS: Record<string, string> = { "+": ANSI.green, "-": ANSI.red, "~": ANSI.yellow };
const LEGEND: readonly [string, string][] = [
  ["+", "create"],
  ["~", "update in-place"],
  ["-", "destroy"],
  ["-/+", "destroy and then create replacement"],
  ["+/-", "create replacement and then destroy"],
];
const RULE = "─".repeat(77);

/**
 * The plan as people know it from `terraform plan`: a drift section ("Objects have changed
 * outside of keyform"), a legend of the symbols used, one block per change with a comment
 * saying what happens and why, output changes, unmanaged keys, and the summary line
 * `Plan: N to add, N to change, N to destroy.` (or "No changes..."). Secrets appear only as
 * `(sensitive value)`: the plan holds none.
 */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${ANSI.reset}` : text);
  const gutter = options.diffGutter === true;
  const line = (diff: DiffLine) => {
    if (gutter) {
      const mark = diff.sign === null || diff.sign === " " ? " " : diff.sign.length > 1 ? "~" : diff.sign;
      return `${mark}${" ".repeat(diff.indent)}${diff.sign === null ? "" : "  "}${diff.text}`;
    }
    const pad = " ".repeat(Math.max(0, diff.indent - (diff.sign !== null && diff.sign.length > 1 ? diff.sign.length - 1 : 0)));
    if (diff.sign === null) return `${pad}${diff.text}`;
    const sign = diff.sign === " " ? " " : colorSign(diff.sign, paint);
    return `${pad}${sign} ${diff.text}`;
  };
  const out: string[] = [];
  const text = (...lines: string[]) => out.push(...lines.map((plain) => (gutter && plain !== "" ? ` ${plain}` : plain)));
  if (plan.resource_drift.length > 0) {
    text(paint(ANSI.bold, "Note: Objects have changed outside of keyform"), "");
    text("keyform detected the following changes made outside of keyform since the last \"keyform apply\":", "");
    for (const drift of plan.resource_drift) out.push(...driftBlock(drift, paint).map(line), "");
    text(
      "Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan includes actions to undo or respond to these changes.",
      "",
      RULE,
      "",
    );
  }
  const changes = plan.resource_changes.filter((change) => change.actions[0] !== "no-op");
  const outputs = Object.entries(plan.output_changes).filter(([, change]) => change.actions[0] !== "no-op");
  if (changes.length === 0 && outputs.length === 0) {
    text(paint(ANSI.bold, "No changes.") + " Your API keys match the configuration.");
  } else {
    if (changes.length > 0) {
      const used = new Set(changes.map((change) => symbolOf(change.actions)));
      text("Resource actions are indicated with the following symbols:");
      for (const [symbol, meaning] of LEGEND) if (used.has(symbol)) text(`${symbol.padStart(3)} ${meaning}`.replace(symbol, colorSign(symbol, paint)));
      text("", "keyform will perform the following actions:", "");
      for (const change of changes) out.push(...changeBlock(change, paint).map(line), "");
      text(summaryLine(plan).replace("Plan:", paint(ANSI.bold, "Plan:")));
    }
    if (outputs.length > 0) {
      if (changes.length > 0) out.push("");
      text("Changes to Outputs:");
      const width = Math.max(...outputs.map(([name]) => name.length));
      for (const [name, change] of outputs) {
        const sign: Sign = change.actions[0] === "create" ? "+" : change.actions[0] === "delete" ? "-" : "~";
        const value = change.actions[0] === "delete" ? "null" : change.sensitive ? "(sensitive value)" : "(known after apply)";
        out.push(line({ indent: 2, sign, text: `${name.padEnd(width)} = ${value}` }));
      }
      if (changes.length === 0) text("", "You can apply this plan to save these new output values to the keyform state, without changing any API keys.");
    }
  }
  if (plan.unmanaged_keys.length > 0) text("", ...unmanagedNote(plan.unmanaged_keys));
  return `${out.join("\n")}\n`;
}

function colorSign(sign: string, paint: (code: string, text: string) => string): string {
  return [...sign].map((char) => (SIGN_COLORS[char] ? paint(SIGN_COLORS[char], char) : char)).join("");
}

function headerOf(change: ResourceChange): string[] {
  const subject = change.deposed !== undefined ? `${change.address} (deposed object ${change.deposed})` : change.address;
  switch (change.actions.join(",")) {
    case "create":
      return [`# ${subject} will be created`, ...because(change)];
    case "update":
      return [`# ${subject} will be updated in-place`, ...because(change)];
    case "delete":
      return [`# ${subject} will be destroyed`, ...because(change)];
    default:
      return [`# ${subject} must be replaced`, ...because(change)];
  }
}

/** The "(because ...)" comment Terraform prints under a header, extended with keyform's reasons. */
function because(change: ResourceChange): string[] {
  switch (change.reason) {
    case "removed_from_config":
      return [`# (because ${change.address} is not in configuration)`];
    case "deleted_outside_keyform":
      return ["# (because the key was deleted outside keyform)"];
    case "drift_reverted":
      return ["# (to undo changes made outside keyform)"];
    case "rotation_due":
      return [`# (because rotate_after ${String(change.after?.rotate_after ?? "")} has passed since the key was created)`];
    case "cannot_update_in_place":
      return ["# (because the API cannot make this change in place)"];
    case "pending_create_unresolved":
      return ["# (to finish a create that an earlier apply started: replayed with the same idempotency key)"];
    case "not_declared_in_exclusive_account":
      return [`# (because service account ${change.service_account_id} is exclusive and no resource declares this key)`];
    case "deposed":
      return ["# (the old key of a create_before_destroy replacement)"];
    default:
      return [];
  }
}

function changeBlock(change: ResourceChange, paint: (code: string, text: string) => string): DiffLine[] {
  const { type, name } = splitAddress(change.address);
  const symbol = symbolOf(change.actions);
  return [
    ...headerOf(change).map((text) => ({ indent: 2, sign: null, text: paint(ANSI.bold, text) })),
    { indent: 2, sign: symbol as Sign, text: `resource "${type}" "${name}" {` },
    ...attributeLines(change.before, change.after, change.after_unknown, change.replace_paths, 6),
    { indent: 4, sign: null, text: "}" },
  ];
}

function driftBlock(drift: Drift, paint: (code: string, text: string) => string): DiffLine[] {
  const { type, name } = splitAddress(drift.address);
  const deleted = drift.kind === "deleted";
  return [
    { indent: 2, sign: null, text: paint(ANSI.bold, `# ${drift.address} has ${deleted ? "been deleted" : "changed"}`) },
    { indent: 2, sign: deleted ? "-" : "~", text: `resource "${type}" "${name}" {` },
    ...attributeLines(drift.before, drift.after, {}, [], 6),
    { indent: 4, sign: null, text: "}" },
  ];
}

function unmanagedNote(keys: readonly ObservedKey[]): string[] {
  return [
    `Note: ${keys.length} API key${keys.length === 1 ? " is" : "s are"} not managed by keyform (no resource declares ${keys.length === 1 ? "it" : "them"}; ${keys.length === 1 ? "its service account is" : "their service accounts are"} not exclusive), left as ${keys.length === 1 ? "it is" : "they are"}:`,
    ...keys.map((key) => `  - ${key.id} in service account ${key.service_account_id} (${key.description ? `${JSON.stringify(key.description)}, ` : ""}created ${key.created_at})`),
  ];
}
