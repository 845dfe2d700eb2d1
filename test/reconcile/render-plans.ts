import { planChanges } from "../../src/reconcile/plan/index.js";
import type { DesiredOutput, Plan } from "../../src/reconcile/types.js";
import { SA, desiredState, key, observed, observedKey, stateFile, tracked } from "./planner-builders.js";

/** Plans rendered by the golden tests, built by the real planner from small inputs. */
const NOW = new Date("2026-06-01T00:00:00Z");
const secretOutput: DesiredOutput = { name: "ci_secret", sensitive: true, description: null, value: { kind: "reference", address: "keyform_api_key.ci", attribute: "secret_key", path: [] } };
const idOutput: DesiredOutput = { name: "ci_id", sensitive: false, description: null, value: { kind: "reference", address: "keyform_api_key.ci", attribute: "id", path: [] } };

export function noChangesPlan(): Plan {
  return planChanges({
    desired: desiredState([key("ci", { description: "CI" })], { outputs: [idOutput] }),
    state: stateFile([tracked("ci", "k1", { description: "CI" })], { outputs: { ci_id: { value: "k1", sensitive: false } } }),
    observed: observed({ [SA]: [observedKey("k1", { description: "CI" })] }),
    now: NOW,
  });
}

export function firstPlan(): Plan {
  return planChanges({
    desired: desiredState([key("ci", { description: "CI deploys", scopes: ["a", "b"], expires_at: "2030-01-01T00:00:00Z" }), key("enc", { age_recipients: ["age1example"] })], { outputs: [secretOutput, idOutput] }),
    state: null,
    observed: observed({ [SA]: [] }),
    now: NOW,
  });
}

/** Drift (changed and deleted), update, replacement both ways, delete, deposed, exclusive and unmanaged keys. */
export function mixedPlan(): Plan {
  return planChanges({
    desired: desiredState(
      [
        key("ci", { description: "CI", scopes: ["a", "c"], expires_at: "2030-01-01T00:00:00Z" }),
        key("drifted", { description: "kept" }),
        key("lost", { description: "recreate me" }),
        key("moved", { service_account_id: "ajesa2", keepers: { v: "2" } }, { create_before_destroy: true }),
        key("rotated", { rotate_after: "30d" }),
      ],
      { exclusive_service_accounts: ["ajesa2"] },
    ),
    state: stateFile([
      tracked("ci", "k-ci", { description: "CI", scopes: ["a", "b"] }),
      tracked("drifted", "k-drift", { description: "kept" }),
      tracked("lost", "k-lost", { description: "recreate me" }),
      tracked("moved", "k-moved", { keepers: { v: "1" } }, { deposed: [{ id: "k-old", idempotency_key: "i" }] }),
      tracked("rotated", "k-rot", { rotate_after: "30d" }),
      tracked("removed", "k-rm", { description: "bye" }),
    ]),
    observed: observed({
      [SA]: [
        observedKey("k-ci", { description: "CI", scopes: ["a", "b"] }),
        observedKey("k-drift", { description: "edited by hand" }),
        observedKey("k-moved"),
        observedKey("k-old"),
        observedKey("k-rot"),
        observedKey("k-rm", { description: "bye" }),
        observedKey("k-stray", { description: "made in the console", created_at: "2026-02-02T00:00:00Z" }),
      ],
      ajesa2: [observedKey("k-x", { service_account_id: "ajesa2" })],
    }),
    now: NOW,
  });
}

export function outputsOnlyPlan(): Plan {
  return planChanges({
    desired: desiredState([key("ci", { description: "CI" })], { outputs: [idOutput] }),
    state: stateFile([tracked("ci", "k1", { description: "CI" })]),
    observed: observed({ [SA]: [observedKey("k1", { description: "CI" })] }),
    now: NOW,
  });
}
