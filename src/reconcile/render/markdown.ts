import type { Plan, ResourceChange } from "../types.js";
import { REASON_TEXT, actionText, summaryLine } from "./plan-summary.js";
import { renderPlanText } from "./text.js";

/** GitHub refuses comments over 65,536 characters; leave room for the table and wrapper. */
export const MARKDOWN_DETAILS_MAX_CHARS = 50_000;
/** Table rows shown before "... and N more". */
export const MARKDOWN_TABLE_MAX_ROWS = 200;

/**
 * The plan as a pull-request comment: a heading with the stack, the summary line, a table of
 * the changes (action, address, why, update mask or replacement cause), drift and unmanaged
 * counts, then the full text plan (no colors) in a collapsible `<details>` block as a `diff`
 * code block. Long plans are cut with a note rather than exceeding GitHub's comment limit.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [`### keyform plan: \`${plan.stack}\``, ""];
  const changes = plan.resource_changes.filter((change) => change.actions[0] !== "no-op");
  if (!plan.has_changes) {
    out.push("**No changes.** Your API keys match the configuration.");
  } else {
    out.push(`**${changes.length > 0 ? summaryLine(plan) : "Only output values change."}**`);
  }
  if (changes.length > 0) {
    out.push("", "| Action | Address | Why |", "|---|---|---|");
    for (const change of changes.slice(0, MARKDOWN_TABLE_MAX_ROWS)) {
      out.push(`| ${actionText(change.actions)} | \`${cell(change.deposed !== undefined ? `${change.address} (deposed ${change.deposed})` : change.address)}\` | ${cell(why(change))} |`);
    }
    if (changes.length > MARKDOWN_TABLE_MAX_ROWS) out.push(`| ... | and ${changes.length - MARKDOWN_TABLE_MAX_ROWS} more | |`);
  }
  const notes: string[] = [];
  if (plan.resource_drift.length > 0) notes.push(`${plan.resource_drift.length} key${plural(plan.resource_drift.length)} changed outside keyform (see details).`);
  if (plan.unmanaged_keys.length > 0) notes.push(`${plan.unmanaged_keys.length} key${plural(plan.unmanaged_keys.length)} in non-exclusive service accounts not managed by keyform (left alone).`);
  if (notes.length > 0) out.push("", ...notes.map((note) => `> ${note}`));
  if (plan.has_changes || plan.resource_drift.length > 0 || plan.unmanaged_keys.length > 0) {
    let details = renderPlanText(plan, { color: false, diffGutter: true }).replace(/```/g, "'''");
    if (details.length > MARKDOWN_DETAILS_MAX_CHARS) {
      details = `${details.slice(0, details.lastIndexOf("\n", MARKDOWN_DETAILS_MAX_CHARS))}\n... (cut: run \`keyform plan\` for the whole plan)\n`;
    }
    out.push("", "<details><summary>Details</summary>", "", "```diff", details.trimEnd(), "```", "", "</details>");
  }
  return `${out.join("\n")}\n`;
}

function why(change: ResourceChange): string {
  const reason = change.reason === null ? "" : REASON_TEXT[change.reason];
  if (change.update_mask.length > 0) return `${reason}: ${change.update_mask.join(", ")}`;
  if (change.replace_paths.length > 0) return `${reason}: ${change.replace_paths.join(", ")}`;
  return reason;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\n/g, " ");
}

function plural(count: number): string {
  return count === 1 ? "" : "s";
}
