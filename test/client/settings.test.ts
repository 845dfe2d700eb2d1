import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableCode } from "../../src/client/retry.js";
import { pageSizeOf } from "../../src/client/pages.js";
import { Code } from "../../src/api-error.js";
import { ConnectionSettingsError, isLoopbackEndpoint, settingsFromEnvironment } from "../../src/embedded/settings.js";

describe("backoffDelayMs", () => {
  const policy = { initialMs: 100, multiplier: 2, maxMs: 1000 };
  it.each([
    { reason: "first retry, lowest jitter: half the initial delay", retry: 1, random: 0, want: 50 },
    { reason: "first retry, highest jitter: just under the initial delay", retry: 1, random: 0.999, want: 100 },
    { reason: "third retry doubles twice", retry: 3, random: 0, want: 200 },
    { reason: "growth is capped at maxMs", retry: 10, random: 0.5, want: 750 },
    { reason: "retry 0 is treated like the first", retry: 0, random: 0, want: 50 },
  ])("$reason", ({ retry, random, want }) => {
    expect(backoffDelayMs(policy, retry, () => random)).toBe(want);
  });
});

describe("isRetryableCode", () => {
  it.each([
    { reason: "server or network unavailable", code: Code.UNAVAILABLE, want: true },
    { reason: "attempt ran out of time", code: Code.DEADLINE_EXCEEDED, want: true },
    { reason: "bad input never gets better", code: Code.INVALID_ARGUMENT, want: false },
    { reason: "credentials do not heal", code: Code.UNAUTHENTICATED, want: false },
    { reason: "internal errors are not transient by contract", code: Code.INTERNAL, want: false },
  ])("$reason", ({ code, want }) => {
    expect(isRetryableCode(code)).toBe(want);
  });
});

describe("pageSizeOf", () => {
  it.each([
    { reason: "default is the maximum page", requested: undefined, want: 1000n },
    { reason: "explicit size kept", requested: 7, want: 7n },
    { reason: "0 asks the server for its default", requested: 0, want: 0n },
  ])("$reason", ({ requested, want }) => {
    expect(pageSizeOf(requested)).toBe(want);
  });

  it("rejects a negative size naming pageSize", () => {
    expect(() => pageSizeOf(-1)).toThrow("pageSize: must be a non-negative integer (got -1)");
  });
});

describe("isLoopbackEndpoint", () => {
  it.each([
    { reason: "unix socket", endpoint: "unix:/tmp/x.sock", want: true },
    { reason: "IPv4 loopback", endpoint: "127.0.0.1:50051", want: true },
    { reason: "anywhere in 127/8", endpoint: "127.1.2.3:1", want: true },
    { reason: "localhost by name", endpoint: "LocalHost:443", want: true },
    { reason: "IPv6 loopback", endpoint: "[::1]:50051", want: true },
    { reason: "public cloud", endpoint: "iam.api.cloud.yandex.net:443", want: false },
    { reason: "a private address is still a network", endpoint: "10.0.0.5:50051", want: false },
    { reason: "a name that merely starts with localhost", endpoint: "localhost.example.com:443", want: false },
  ])("$reason", ({ endpoint, want }) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(want);
  });
});

describe("settingsFromEnvironment", () => {
  it.each([
    { reason: "nothing set", env: {}, want: {} },
    {
      reason: "every variable, trimmed",
      env: {
        KEYFORM_ENDPOINT: " host:443 ",
        KEYFORM_TOKEN: "t0ken\n",
        KEYFORM_CA_FILE: "ca.pem",
        KEYFORM_INSECURE: "true",
        KEYFORM_DATA_DIR: "d",
      },
      want: { endpoint: "host:443", token: "t0ken", caFile: "ca.pem", insecure: true, dataDir: "d" },
    },
    { reason: "api key and insecure=0", env: { KEYFORM_API_KEY: "AQVNx", KEYFORM_INSECURE: "0" }, want: { apiKey: "AQVNx", insecure: false } },
    { reason: "empty variables are unset", env: { KEYFORM_ENDPOINT: "", KEYFORM_TOKEN: "  " }, want: {} },
  ])("$reason", ({ env, want }) => {
    const settings = settingsFromEnvironment(env);
    const defined = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
    expect(defined).toEqual(want);
  });

  it("rejects a non-boolean KEYFORM_INSECURE, naming it", () => {
    expect(() => settingsFromEnvironment({ KEYFORM_INSECURE: "maybe" })).toThrow(ConnectionSettingsError);
    expect(() => settingsFromEnvironment({ KEYFORM_INSECURE: "maybe" })).toThrow('KEYFORM_INSECURE must be 1/true or 0/false (got "maybe")');
  });
});
