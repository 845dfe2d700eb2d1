import { describe, expect, it } from "vitest";
import { parseDuration, validateApiKeyArguments, parseRfc3339 } from "../../src/resource/index.js";

describe("validateApiKeyArguments", () => {
  const cases: { reason: string; input: Record<string, unknown>; want: { path: string; message: string }[] }[] = [
    { reason: "minimal valid key", input: { service_account_id: "aje1" }, want: [] },
    { reason: "missing account", input: {}, want: [{ path: "service_account_id", message: "is required" }] },
    {
      reason: "account id one past its edge",
      input: { service_account_id: "a".repeat(51) },
      want: [{ path: "service_account_id", message: "must be at most 50 characters" }],
    },
    { reason: "account id at its edge", input: { service_account_id: "a".repeat(50) }, want: [] },
    { reason: "description of 256 multi-byte characters", input: { service_account_id: "a", description: "я".repeat(256) }, want: [] },
    {
      reason: "description of 257 characters",
      input: { service_account_id: "a", description: "x".repeat(257) },
      want: [{ path: "description", message: "must be at most 256 characters (got 257)" }],
    },
    {
      reason: "duplicate scope",
      input: { service_account_id: "a", scopes: ["s", "s"] },
      want: [{ path: "scopes[1]", message: 'duplicates scope "s"' }],
    },
    {
      reason: "101 scopes",
      input: { service_account_id: "a", scopes: Array.from({ length: 101 }, (_, index) => `s${index}`) },
      want: [{ path: "scopes", message: "must have at most 100 items (got 101)" }],
    },
    {
      reason: "expiry past the range",
      input: { service_account_id: "a", expires_at: "2106-01-01T00:00:00Z" },
      want: [{ path: "expires_at", message: "must be between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59.999999999Z" }],
    },
    { reason: "expiry at the range end", input: { service_account_id: "a", expires_at: "2105-12-31T23:59:59.999999999Z" }, want: [] },
    {
      reason: "expiry not RFC 3339",
      input: { service_account_id: "a", expires_at: "2030-02-30T00:00:00Z" },
      want: [{ path: "expires_at", message: '"2030-02-30T00:00:00Z" is not an RFC 3339 timestamp such as 2030-01-01T00:00:00Z' }],
    },
    {
      reason: "bad rotation",
      input: { service_account_id: "a", rotate_after: "90 days" },
      want: [{ path: "rotate_after", message: "must be a positive duration such as 90d, 720h or 1d12h" }],
    },
    {
      reason: "bad age recipient",
      input: { service_account_id: "a", age_recipients: ["age1nope"] },
      want: [{ path: "age_recipients[0]", message: "is not an age X25519 recipient (age1 followed by 58 characters)" }],
    },
  ];
  it.each(cases)("$reason", ({ input, want }) => {
    expect(validateApiKeyArguments(input)).toEqual(want);
  });
});

describe("parseDuration", () => {
  it.each([
    ["90d", 90 * 86_400_000],
    ["1d12h", 36 * 3_600_000],
    ["30m", 1_800_000],
    ["0d", undefined],
    ["", undefined],
    ["5w", undefined],
  ] as const)("%s", (text, want) => {
    expect(parseDuration(text)).toBe(want);
  });
});

describe("parseRfc3339", () => {
  it("keeps nanoseconds", () => {
    expect(parseRfc3339("2030-01-01T00:00:00.123456789Z")).toEqual({ ms: Date.UTC(2030, 0, 1) + 123, nanos: 123456789 });
  });
});
