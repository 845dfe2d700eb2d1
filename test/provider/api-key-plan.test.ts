import { describe, expect, it } from "vitest";
import type { TerraformObject } from "../../src/provider/dynamic-value.js";
import { UNKNOWN } from "../../src/provider/dynamic-value.js";
import { IMPORTED_PRIVATE, planApiKey, updateMaskOf } from "../../src/provider/api-key-plan.js";

const NOW = Date.parse("2030-06-01T00:00:00Z");
const config: TerraformObject = {
  service_account_id: "aje1",
  description: "ci",
  scopes: ["s1"],
  expires_at: null,
  rotate_after: null,
  keepers: null,
  age_recipients: null,
};
const computed: TerraformObject = {
  id: "key1",
  created_at: "2030-05-01T00:00:00Z",
  masked_secret: "****abcdef",
  secret_key: "SECRET",
  encrypted_secret_key: null,
};
const prior: TerraformObject = { ...config, ...computed };
/** What Terraform proposes: the configuration with prior computed values carried over. */
const proposed = (changes: TerraformObject): TerraformObject => ({ ...prior, ...changes });
const freshComputed = { id: UNKNOWN, created_at: UNKNOWN, masked_secret: UNKNOWN, secret_key: UNKNOWN, encrypted_secret_key: null };
const recipient = `age1${"q".repeat(58)}`;

describe("planApiKey", () => {
  const cases: { reason: string; prior: TerraformObject | null; proposed: TerraformObject | null; privateBytes?: Uint8Array; want: { planned: TerraformObject | null; requiresReplace: string[] } }[] = [
    { reason: "destroy plans null", prior, proposed: null, want: { planned: null, requiresReplace: [] } },
    {
      reason: "create: config kept, computed unknown, secret_key unknown",
      prior: null,
      proposed: { ...config, id: null, created_at: null, masked_secret: null, secret_key: null, encrypted_secret_key: null },
      want: { planned: { ...config, ...freshComputed }, requiresReplace: [] },
    },
    {
      reason: "create with age recipients: only encrypted_secret_key unknown",
      prior: null,
      proposed: { ...config, age_recipients: [recipient], id: null, created_at: null, masked_secret: null, secret_key: null, encrypted_secret_key: null },
      want: { planned: { ...config, age_recipients: [recipient], ...freshComputed, secret_key: null, encrypted_secret_key: UNKNOWN }, requiresReplace: [] },
    },
    { reason: "no change keeps prior", prior, proposed: proposed({}), want: { planned: prior, requiresReplace: [] } },
    {
      reason: "description change is in place; computed carried over",
      prior,
      proposed: proposed({ description: "new" }),
      want: { planned: { ...prior, description: "new" }, requiresReplace: [] },
    },
    {
      reason: "service account change replaces",
      prior,
      proposed: proposed({ service_account_id: "aje2" }),
      want: { planned: { ...prior, service_account_id: "aje2", ...freshComputed }, requiresReplace: ["service_account_id"] },
    },
    {
      reason: "keepers change replaces",
      prior,
      proposed: proposed({ keepers: { v: "2" } }),
      want: { planned: { ...prior, keepers: { v: "2" }, ...freshComputed }, requiresReplace: ["keepers"] },
    },
    {
      reason: "emptied scopes replace (Update rejects an empty list)",
      prior,
      proposed: proposed({ scopes: null }),
      want: { planned: { ...prior, scopes: null, ...freshComputed }, requiresReplace: ["scopes"] },
    },
    {
      reason: "unknown service account forces replacement",
      prior,
      proposed: proposed({ service_account_id: UNKNOWN }),
      want: { planned: { ...prior, service_account_id: UNKNOWN, ...freshComputed }, requiresReplace: ["service_account_id"] },
    },
    {
      reason: "rotation due: created_at + rotate_after <= now",
      prior: { ...prior, rotate_after: "31d" },
      proposed: proposed({ rotate_after: "31d" }),
      want: { planned: { ...prior, rotate_after: "31d", ...freshComputed }, requiresReplace: ["created_at"] },
    },
    {
      reason: "rotation not yet due",
      prior: { ...prior, rotate_after: "32d" },
      proposed: proposed({ rotate_after: "32d" }),
      want: { planned: { ...prior, rotate_after: "32d" }, requiresReplace: [] },
    },
    {
      reason: "imported key adopts configured keepers without replacement",
      prior,
      proposed: proposed({ keepers: { v: "1" } }),
      privateBytes: IMPORTED_PRIVATE,
      want: { planned: { ...prior, keepers: { v: "1" } }, requiresReplace: [] },
    },
  ];
  it.each(cases)("$reason", ({ prior: before, proposed: after, privateBytes, want }) => {
    expect(planApiKey({ prior: before, proposed: after, priorPrivate: privateBytes ?? new Uint8Array(), now: NOW })).toEqual(want);
  });
});

describe("updateMaskOf", () => {
  it.each([
    { reason: "description only", planned: { ...prior, description: "x" }, want: ["description"] },
    { reason: "scopes and expiry", planned: { ...prior, scopes: ["a", "b"], expires_at: "2031-01-01T00:00:00Z" }, want: ["scopes", "expires_at"] },
    { reason: "rotate_after is not an API field", planned: { ...prior, rotate_after: "90d" }, want: [] },
    { reason: "removing the expiry clears it", planned: { ...prior }, base: { ...prior, expires_at: "2031-01-01T00:00:00Z" }, want: ["expires_at"] },
  ] as { reason: string; planned: TerraformObject; base?: TerraformObject; want: string[] }[])("$reason", ({ planned, base, want }) => {
    expect(updateMaskOf(base ?? prior, planned)).toEqual(want);
  });
});
