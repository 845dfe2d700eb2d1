import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/api-error.js";
import { maskSecret, newApiKeySecret, newResourceId } from "../../src/server/credentials-format.js";
import { decodePageToken, encodePageToken } from "../../src/server/page-token.js";
import { createRedactor } from "../../src/server/redact.js";
import { expiresAtProblems, timestampText } from "../../src/server/request-validation.js";
import { parseServiceAccountFilter } from "../../src/server/service-account-service.js";
import { trace } from "../../src/server/trace.js";
import { patchForMask, resolveUpdateMask } from "../../src/server/update-mask.js";

const key = randomBytes(32);
const otherKey = randomBytes(32);

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return `${error.code} ${error.rawMessage}`;
    throw error;
  }
  return "ok";
}

describe("page token codec", () => {
  const token = encodePageToken(key, "ApiKeyService/List:aje1", 12345);
  const flipped = (text: string, index: number) => text.slice(0, index) + (text[index] === "A" ? "B" : "A") + text.slice(index + 1);
  it.each([
    { reason: "round trip", decode: () => decodePageToken(key, "ApiKeyService/List:aje1", token), want: 12345 },
    { reason: "empty token is the first page", decode: () => decodePageToken(key, "s", ""), want: 0 },
    { reason: "cursor zero round-trips", decode: () => decodePageToken(key, "s", encodePageToken(key, "s", 0)), want: 0 },
    {
      reason: "largest safe cursor round-trips",
      decode: () => decodePageToken(key, "s", encodePageToken(key, "s", Number.MAX_SAFE_INTEGER)),
      want: Number.MAX_SAFE_INTEGER,
    },
  ])("$reason", ({ decode, want }) => {
    expect(decode()).toBe(want);
  });

  const invalid = "3 page_token: is not a page token issued for this listing";
  it.each([
    { reason: "another listing's token", token, scope: "ApiKeyService/List:aje2", verify: key, want: invalid },
    { reason: "token signed by another server", token, scope: "ApiKeyService/List:aje1", verify: otherKey, want: invalid },
    { reason: "one character changed in the cursor", token: flipped(token, 3), scope: "ApiKeyService/List:aje1", verify: key, want: invalid },
    { reason: "one character changed in the signature", token: flipped(token, 40), scope: "ApiKeyService/List:aje1", verify: key, want: invalid },
    { reason: "truncated", token: token.slice(0, -2), scope: "ApiKeyService/List:aje1", verify: key, want: invalid },
    { reason: "not base64url", token: "!!!!", scope: "ApiKeyService/List:aje1", verify: key, want: invalid },
    { reason: "garbage of the right length", token: "A".repeat(token.length), scope: "ApiKeyService/List:aje1", verify: key, want: invalid },
    {
      reason: "longer than 2000 characters",
      token: "A".repeat(2001),
      scope: "ApiKeyService/List:aje1",
      verify: key,
      want: "3 page_token: must be at most 2000 characters",
    },
  ])("rejects $reason", ({ token: candidate, scope, verify, want }) => {
    expect(problemOf(() => decodePageToken(verify, scope, candidate))).toBe(want);
  });

  it("emits tokens of at most 100 characters", () => {
    expect(encodePageToken(key, "x".repeat(500), Number.MAX_SAFE_INTEGER).length).toBeLessThanOrEqual(100);
  });
});

describe("minted formats", () => {
  it.each([
    { reason: "secret format", make: newApiKeySecret, pattern: /^AQVN[A-Za-z0-9_-]{36}$/ },
    { reason: "api key id format", make: () => newResourceId("aje"), pattern: /^aje[0-9a-v]{17}$/ },
  ])("$reason over 200 samples", ({ make, pattern }) => {
    const samples = Array.from({ length: 200 }, make);
    for (const sample of samples) expect(sample).toMatch(pattern);
    expect(new Set(samples).size).toBe(200);
  });

  it.each([
    { reason: "typical secret", secret: "AQVNabcdefghijklmnopqrstuvwxyz0123456789", want: "****456789" },
    { reason: "secret ending in symbols", secret: "AQVN0000000000000000000000000000000_-_-_", want: "****0_-_-_" },
  ])("masks a $reason", ({ secret, want }) => {
    expect(maskSecret(secret)).toBe(want);
  });
});

describe("update mask", () => {
  it.each([
    { reason: "absent mask means every mutable field", paths: undefined, want: ["description", "scopes", "expires_at"] },
    { reason: "empty mask means every mutable field", paths: [], want: ["description", "scopes", "expires_at"] },
    { reason: "one path", paths: ["scopes"], want: ["scopes"] },
    { reason: "duplicates collapse, definition order", paths: ["expires_at", "description", "expires_at"], want: ["description", "expires_at"] },
  ])("$reason", ({ paths, want }) => {
    expect(resolveUpdateMask(paths)).toEqual(want);
  });

  it.each([
    { reason: "unknown path", paths: ["name"], want: '3 update_mask: unknown path "name"; allowed paths: description, scopes, expires_at' },
    { reason: "camelCase is not a proto path", paths: ["expiresAt"], want: '3 update_mask: unknown path "expiresAt"; allowed paths: description, scopes, expires_at' },
  ])("rejects $reason", ({ paths, want }) => {
    expect(problemOf(() => resolveUpdateMask(paths))).toBe(want);
  });

  it.each([
    { reason: "only description", paths: ["description"] as const, want: { description: "d" } },
    { reason: "expires_at unset clears it", paths: ["expires_at"] as const, want: { expiresAt: null } },
    { reason: "all three", paths: ["description", "scopes", "expires_at"] as const, want: { description: "d", scopes: ["s"], expiresAt: null } },
  ])("patch: $reason", ({ paths, want }) => {
    expect(patchForMask([...paths], { description: "d", scopes: ["s"], expiresAt: null })).toEqual(want);
  });
});

describe("timestamps", () => {
  const max = Date.UTC(2105, 11, 31, 23, 59, 59) / 1000;
  const between = "must be between 1970-01-01T00:00:00Z and 2105-12-31T23:59:59.999999999Z";
  it.each([
    { reason: "epoch is the lower edge", seconds: 0, nanos: 0, want: [] },
    { reason: "one nanosecond before the epoch", seconds: -1, nanos: 999_999_999, want: [{ path: "expires_at", message: between }] },
    { reason: "the last nanosecond of 2105", seconds: max, nanos: 999_999_999, want: [] },
    { reason: "2106-01-01", seconds: max + 1, nanos: 0, want: [{ path: "expires_at", message: between }] },
    { reason: "far future beyond year 9999", seconds: 1e12, nanos: 0, want: [{ path: "expires_at", message: between }] },
    { reason: "negative nanos", seconds: 10, nanos: -1, want: [{ path: "expires_at.nanos", message: "must be between 0 and 999999999" }] },
  ])("$reason", ({ seconds, nanos, want }) => {
    expect(expiresAtProblems({ seconds: BigInt(seconds), nanos } as never)).toEqual(want);
  });

  it("formats all nine fraction digits", () => {
    expect(timestampText(0, 5)).toBe("1970-01-01T00:00:00.000000005Z");
  });
});

describe("service account filter", () => {
  it.each([
    { reason: "empty", filter: "", want: undefined },
    { reason: "name equality", filter: 'name="demo-app"', want: "demo-app" },
    { reason: "spaces around", filter: ' name = "x" ', want: "x" },
  ])("$reason", ({ filter, want }) => {
    expect(parseServiceAccountFilter(filter)).toBe(want);
  });
  it.each([
    { reason: "unsupported expression", filter: "folder_id='x'", want: '3 filter: only name="<name>" is supported' },
    { reason: "1001 characters", filter: "x".repeat(1001), want: "3 filter: must be at most 1000 characters" },
  ])("rejects $reason", ({ filter, want }) => {
    expect(problemOf(() => parseServiceAccountFilter(filter))).toBe(want);
  });
});

describe("log redaction", () => {
  const secret = `AQVN${"a1_-".repeat(9)}`;
  const redact = createRedactor(["admin-token-xyz", "admin-token-xyz-longer", ""]);
  it.each([
    { reason: "an API key secret", text: `near ${secret}.`, want: "near [redacted]." },
    { reason: "a secret of 35 characters after AQVN", text: `AQVN${"b".repeat(35)}`, want: "[redacted]" },
    { reason: "AQVN with too few characters is not a secret", text: `AQVN${"b".repeat(34)}`, want: `AQVN${"b".repeat(34)}` },
    { reason: "a longer run is removed whole", text: `AQVN${"c".repeat(60)} end`, want: "[redacted] end" },
    { reason: "a bearer credential of any shape", text: "authorization: bearer x.y/z+1 next", want: "authorization: bearer [redacted] next" },
    { reason: "an Api-Key credential", text: "Api-Key  something", want: "Api-Key  [redacted]" },
    { reason: "a known admin token anywhere", text: "token=admin-token-xyz;", want: "token=[redacted];" },
    { reason: "the longer of two overlapping known tokens whole", text: "admin-token-xyz-longer", want: "[redacted]" },
    { reason: "text without secrets unchanged", text: "api key aje123 not found", want: "api key aje123 not found" },
  ])("$reason", ({ text, want }) => {
    expect(redact(text)).toBe(want);
  });
});

describe("server trace", () => {
  it.each([
    { reason: "a secret in text the server does not control is removed", message: "store failed near AQVN" + "d".repeat(36), want: "store failed near [redacted]" },
    { reason: "a credential after its scheme is removed", message: "metadata Bearer abc.def", want: "metadata Bearer [redacted]" },
    { reason: "ids and codes pass unchanged", message: "operation aje0000000000000000001 failed: INTERNAL", want: "operation aje0000000000000000001 failed: INTERNAL" },
  ])("$reason", ({ message, want }) => {
    const previous = process.env.KEYFORM_TRACE;
    process.env.KEYFORM_TRACE = "server";
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      trace("server", message);
    } finally {
      spy.mockRestore();
      if (previous === undefined) delete process.env.KEYFORM_TRACE;
      else process.env.KEYFORM_TRACE = previous;
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[keyform:server\] \S+ /);
    expect(written[0]?.replace(/^\[keyform:server\] \S+ /, "")).toBe(`${want}\n`);
  });
});
