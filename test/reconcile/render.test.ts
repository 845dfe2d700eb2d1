import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from "../../src/reconcile/render/index.js";
import type { Plan } from "../../src/reconcile/types.js";
import { SECRET } from "./planner-builders.js";
import { firstPlan, mixedPlan, noChangesPlan, outputsOnlyPlan } from "./render-plans.js";
import { firstJson, firstText, mixedMarkdown, mixedText, noChangesMarkdown, noChangesText, outputsOnlyText } from "./render-golden.js";

describe("renderPlanText (golden)", () => {
  const cases: { reason: string; plan: () => Plan; want: string }[] = [
    { reason: "a plan with nothing to do says so", plan: noChangesPlan, want: noChangesText },
    { reason: "a first plan: creates with unknown computed values, a sensitive secret, age encryption, outputs", plan: firstPlan, want: firstText },
    { reason: "drift, updates, both replacements, deposed, removed, exclusive and unmanaged keys", plan: mixedPlan, want: mixedText },
    { reason: "only outputs change", plan: outputsOnlyPlan, want: outputsOnlyText },
  ];
  it.each(cases)("$reason", ({ plan, want }) => expect(renderPlanText(plan(), { color: false })).toBe(want));

  it("colors signs and headers only when asked, and the text is otherwise the same", () => {
    const colored = renderPlanText(firstPlan(), { color: true });
    expect(colored).toContain("  \u001b[32m+\u001b[0m resource \"keyform_api_key\" \"ci\" {");
    expect(colored).toContain("\u001b[1mPlan:\u001b[0m 2 to add, 0 to change, 0 to destroy.");
    expect(stripVTControlCharacters(colored)).toBe(firstText);
  });
});

describe("renderPlanJson (golden)", () => {
  it("a first plan, shaped like terraform show -json", () => expect(renderPlanJson(firstPlan())).toBe(firstJson));

  it("every change of a mixed plan carries Terraform's actions and action_reason plus keyform's extras", () => {
    const document = JSON.parse(renderPlanJson(mixedPlan())) as { resource_changes: Record<string, unknown>[]; resource_drift: Record<string, unknown>[] };
    const summary = document.resource_changes.map((change) => [
      change.address,
      (change.change as { actions: string[] }).actions.join(","),
      change.action_reason ?? null,
      change.keyform_reason,
      (change.update_mask as string[]).join(","),
      change.deposed ?? change.index ?? null,
    ]);
    expect(summary).toEqual([
      ["keyform_api_key.ci", "update", null, "config_changed", "scopes,expires_at", null],
      ["keyform_api_key.drifted", "update", null, "drift_reverted", "description", null],
      ["keyform_api_key.lost", "create", null, "deleted_outside_keyform", "", null],
      ["keyform_api_key.moved", "create,delete", "replace_because_cannot_update", "forces_replacement", "", null],
      ["keyform_api_key.moved", "delete", null, "deposed", "", "k-old"],
      ["keyform_api_key.removed", "delete", "delete_because_no_resource_config", "removed_from_config", "", null],
      ["keyform_api_key.rotated", "delete,create", "replace_by_triggers", "rotation_due", "", null],
      ['keyform_api_key.unmanaged["k-x"]', "delete", "delete_because_no_resource_config", "not_declared_in_exclusive_account", "", "k-x"],
    ]);
    expect(document.resource_drift.map((drift) => [drift.address, (drift.change as { actions: string[] }).actions.join(",")])).toEqual([
      ["keyform_api_key.drifted", "update"],
      ["keyform_api_key.lost", "delete"],
    ]);
  });
});

describe("renderPlanMarkdown (golden)", () => {
  it("a mixed plan: summary, table, notes, collapsible diff", () => expect(renderPlanMarkdown(mixedPlan())).toBe(mixedMarkdown));
  it("no changes: one line, no details", () => expect(renderPlanMarkdown(noChangesPlan())).toBe(noChangesMarkdown));
});

describe("renderers never show a secret", () => {
  const plans = [firstPlan, mixedPlan, noChangesPlan, outputsOnlyPlan];
  it.each(plans.map((plan) => ({ reason: plan.name, plan })))("$reason", ({ plan }) => {
    for (const rendered of [renderPlanText(plan(), { color: true }), renderPlanJson(plan()), renderPlanMarkdown(plan())]) expect(rendered).not.toContain(SECRET);
  });
});
