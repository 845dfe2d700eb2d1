import { describe, expect, it } from "vitest";
import { normalizeTerraformFlags } from "../../src/cli/commands/plan-apply.js";
import { createRequestOf, updateRequestOf } from "../../src/reconcile/apply/key-requests.js";
import { NotStartedError, mapSettledBounded } from "../../src/reconcile/apply/pool.js";
import { evaluateOutputs, formatOutputValue } from "../../src/reconcile/outputs.js";
import { timestampToRfc3339 } from "../../src/reconcile/refresh.js";
import { newState, parseState, serializeState } from "../../src/reconcile/state/index.js";
import type { ApiKeyConfig, DesiredOutput, StateFile, StateResource } from "../../src/reconcile/types.js";

const config: ApiKeyConfig = {
  service_account_id: "ajeaccount0000000001",
  description: "ci",
  scopes: ["a.read"],
  expires_at: "2030-01-01T00:00:00.5+01:00",
  rotate_after: null,
  keepers: null,
  age_recipients: null,
};

describe("request building", () => {
  it.each([
    {
      reason: "every argument set; expires_at offset converted, fraction kept",
      config,
      expected: { serviceAccountId: config.service_account_id, description: "ci", scopes: ["a.read"], expiresAt: { seconds: 1_893_452_400n, nanos: 500_000_000 } },
    },
    {
      reason: "unset arguments become the API's empty values (no expiry)",
      config: { ...config, description: null, scopes: null, expires_at: null },
      expected: { serviceAccountId: config.service_account_id, description: "", scopes: [], expiresAt: undefined },
    },
  ])("Create: $reason", ({ config: input, expected }) => {
    expect(createRequestOf(input)).toEqual(expected);
  });

  it.each([
    { reason: "description only", mask: ["description"] as const, expected: { description: "ci", scopes: [], expiresAt: undefined } },
    { reason: "scopes only", mask: ["scopes"] as const, expected: { description: "", scopes: ["a.read"], expiresAt: undefined } },
    { reason: "clearing expires_at sends the path without a value", mask: ["expires_at"] as const, cfg: { ...config, expires_at: null }, expected: { description: "", scopes: [], expiresAt: undefined } },
  ])("Update: $reason", ({ mask, cfg, expected }) => {
    expect(updateRequestOf("ajekey", cfg ?? config, mask)).toEqual({ apiKeyId: "ajekey", updateMask: { paths: [...mask] }, ...expected });
  });
});

describe("timestampToRfc3339", () => {
  it.each([
    { reason: "whole seconds have no fraction", seconds: 1_893_456_000n, nanos: 0, expected: "2030-01-01T00:00:00Z" },
    { reason: "fraction trimmed of trailing zeros", seconds: 1_893_456_000n, nanos: 500_000_000, expected: "2030-01-01T00:00:00.5Z" },
    { reason: "nanoseconds kept", seconds: 0n, nanos: 1, expected: "1970-01-01T00:00:00.000000001Z" },
  ])("$reason", ({ seconds, nanos, expected }) => {
    expect(timestampToRfc3339({ seconds, nanos } as never)).toBe(expected);
  });
});

describe("outputs", () => {
  const resource: StateResource = {
    address: "keyform_api_key.ci",
    config,
    attributes: { id: "ajekey", created_at: "2026-01-01T00:00:00Z", masked_secret: "****abcdef", secret_key: "AQVN-secret", encrypted_secret_key: null, secret_unknown: false },
    pending_create: null,
    deposed: [],
  };
  const state: StateFile = { ...newState(), resources: [resource] };
  const listing = new Map([["data.keyform_api_keys.all", { service_account_id: "acc", id: "acc", keys: [{ id: "k1" }, { id: "k2" }] } as Record<string, unknown>]]);
  const reference = (name: string, address: string, attribute: string, path: (string | number)[] = [], sensitive = false): DesiredOutput => ({
    name,
    sensitive,
    description: null,
    value: { kind: "reference", address, attribute, path },
  });

  it.each([
    { reason: "computed attribute", output: reference("id", "keyform_api_key.ci", "id"), expected: { value: "ajekey", sensitive: false } },
    { reason: "secret_key is sensitive even when not declared so", output: reference("s", "keyform_api_key.ci", "secret_key"), expected: { value: "AQVN-secret", sensitive: true } },
    { reason: "configuration attribute with an index", output: reference("scope", "keyform_api_key.ci", "scopes", [0]), expected: { value: "a.read", sensitive: false } },
    { reason: "listing with a path", output: reference("second", "data.keyform_api_keys.all", "keys", [1, "id"]), expected: { value: "k2", sensitive: false } },
    { reason: "literal", output: { name: "l", sensitive: false, description: null, value: { kind: "literal", json: { a: 1 } } } as DesiredOutput, expected: { value: { a: 1 }, sensitive: false } },
  ])("$reason", ({ output, expected }) => {
    const { values, problems } = evaluateOutputs([output], state, listing);
    expect(problems).toEqual([]);
    expect(values[output.name]).toEqual(expected);
  });

  it("an unresolvable reference is a problem naming the output, with value null", () => {
    const { values, problems } = evaluateOutputs([reference("gone", "keyform_api_key.nope", "id")], state, listing);
    expect(problems).toEqual(["output gone: keyform_api_key.nope.id has no value"]);
    expect(values.gone).toEqual({ value: null, sensitive: false });
  });

  it("the secret of an imported key is null and says why", () => {
    const imported: StateFile = { ...state, resources: [{ ...resource, attributes: { ...(resource.attributes as NonNullable<StateResource["attributes"]>), secret_key: null, secret_unknown: true } }] };
    const { values, problems } = evaluateOutputs([reference("s", "keyform_api_key.ci", "secret_key")], imported, listing);
    expect(values.s).toEqual({ value: null, sensitive: true });
    expect(problems).toEqual(["output s: the secret of keyform_api_key.ci is unknown (the key was imported; keyform never saw its secret), so the value is null"]);
  });

  it.each([
    { reason: "sensitive masked", output: { value: "AQVN-secret", sensitive: true }, show: false, expected: "<sensitive>" },
    { reason: "sensitive shown when asked", output: { value: "AQVN-secret", sensitive: true }, show: true, expected: "AQVN-secret" },
    { reason: "string bare", output: { value: "x", sensitive: false }, show: false, expected: "x" },
    { reason: "list as JSON", output: { value: ["a"], sensitive: false }, show: false, expected: '[\n  "a"\n]' },
  ])("formatOutputValue: $reason", ({ output, show, expected }) => {
    expect(formatOutputValue(output, show)).toBe(expected);
  });

  it("serializeState round-trips through parseState", () => {
    const full: StateFile = { ...state, serial: 7, outputs: { id: { value: "ajekey", sensitive: false }, s: { value: "AQVN-secret", sensitive: true } } };
    expect(parseState("x.json", serializeState(full))).toEqual(full);
    expect(parseState("x.json", serializeState(newState())).resources).toEqual([]);
  });
});

describe("normalizeTerraformFlags", () => {
  it.each([
    { reason: "-out=FILE", argv: ["plan", "-out=p.bin"], expected: ["plan", "--out=p.bin"] },
    { reason: "-out FILE", argv: ["plan", "-out", "p.bin"], expected: ["plan", "--out", "p.bin"] },
    { reason: "-detailed-exitcode and -refresh=false", argv: ["plan", "-detailed-exitcode", "-refresh=false"], expected: ["plan", "--detailed-exitcode", "--refresh=false"] },
    { reason: "short flags and values untouched", argv: ["api-key", "-h", "-out-of-band", "--out", "x"], expected: ["api-key", "-h", "-out-of-band", "--out", "x"] },
  ])("$reason", ({ argv, expected }) => {
    expect(normalizeTerraformFlags(argv)).toEqual(expected);
  });
});

describe("mapSettledBounded", () => {
  it.each([
    { reason: "limit below the item count caps the calls in flight", items: 10, limit: 3, expectedPeak: 3 },
    { reason: "limit above the item count runs all at once", items: 4, limit: 16, expectedPeak: 4 },
    { reason: "limit 1 is sequential", items: 5, limit: 1, expectedPeak: 1 },
  ])("$reason", async ({ items, limit, expectedPeak }) => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettledBounded(Array.from({ length: items }, (_, index) => index), limit, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (item === 2) throw new Error("item 2 fails");
      return item * 10;
    });
    expect(peak).toBe(expectedPeak);
    expect(results.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error).message))).toEqual(
      Array.from({ length: items }, (_, index) => (index === 2 ? "item 2 fails" : index * 10)),
    );
  });

  it("after an abort no new item starts; the slots say so", async () => {
    const abort = new AbortController();
    const started: number[] = [];
    const results = await mapSettledBounded([0, 1, 2, 3], 1, async (item) => {
      started.push(item);
      if (item === 1) abort.abort();
      return item;
    }, abort.signal);
    expect(started).toEqual([0, 1]);
    expect(results.slice(0, 2)).toEqual([{ status: "fulfilled", value: 0 }, { status: "fulfilled", value: 1 }]);
    expect(results.slice(2).map((result) => result.status === "rejected" && result.reason instanceof NotStartedError)).toEqual([true, true]);
  });
});
