import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableCode } from "../../src/client/retry.js";
import { pageSizeOf } from "../../src/client/pages.js";
import { Code } from "../../src/api-error.js";
import { ConnectionSettingsError, settingsFromEnvironment, usesPlaintext } from "../../src/embedded/settings.js";
import { isLoopbackEndpoint } from "../../src/client/loopback.js";
import { createClient } from "../../src/client/index.js";

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

describe("usesPlaintext", () => {
  const cli = { insecure: "--insecure (or KEYFORM_INSECURE)", caFile: "--ca-file (or KEYFORM_CA_FILE)" };
  it.each([
    { reason: "loopback, nothing set: plaintext like keyform serve", endpoint: "127.0.0.1:50051", settings: {}, want: true },
    { reason: "unix socket, insecure: plaintext", endpoint: "unix:/run/k.sock", settings: { insecure: true }, want: true },
    { reason: "loopback with --no-insecure: TLS", endpoint: "localhost:443", settings: { insecure: false }, want: false },
    { reason: "loopback with a CA file: TLS", endpoint: "[::1]:1", settings: { caFile: "/ca.pem" }, want: false },
    { reason: "remote, nothing set: TLS", endpoint: "iam.api.cloud.yandex.net:443", settings: {}, want: false },
    { reason: "remote, insecure = false: TLS", endpoint: "10.0.0.5:50051", settings: { insecure: false }, want: false },
  ])("$reason", ({ endpoint, settings, want }) => {
    expect(usesPlaintext(endpoint, settings)).toBe(want);
  });

  it.each([
    {
      reason: "insecure to a remote host (CLI names)",
      endpoint: "iam.api.cloud.yandex.net:443",
      settings: { insecure: true, names: cli },
      want: "--insecure (or KEYFORM_INSECURE) asks for plaintext, which is allowed only for loopback endpoints (127.0.0.1, ::1, localhost, unix:): iam.api.cloud.yandex.net:443 is not one, and the token or API key would cross the network unencrypted. Remove it and use TLS (--ca-file (or KEYFORM_CA_FILE) for a private CA).",
    },
    {
      reason: "insecure to a private address (environment names)",
      endpoint: "10.0.0.5:50051",
      settings: { insecure: true },
      want: "KEYFORM_INSECURE asks for plaintext, which is allowed only for loopback endpoints (127.0.0.1, ::1, localhost, unix:): 10.0.0.5:50051 is not one, and the token or API key would cross the network unencrypted. Remove it and use TLS (KEYFORM_CA_FILE for a private CA).",
    },
    {
      reason: "insecure with a CA file",
      endpoint: "127.0.0.1:1",
      settings: { insecure: true, caFile: "/ca.pem", names: cli },
      want: "--insecure (or KEYFORM_INSECURE) (plaintext) and --ca-file (or KEYFORM_CA_FILE) (TLS) contradict each other; set only one",
    },
  ])("refuses $reason, naming insecure", ({ endpoint, settings, want }) => {
    let caught: unknown;
    try {
      usesPlaintext(endpoint, settings);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectionSettingsError);
    expect(caught).toMatchObject({ message: want, setting: "insecure" });
  });
});

describe("createClient with tls: false", () => {
  it.each([
    { reason: "a credential to a remote host is refused", endpoint: "keys.example.com:50051", credentials: { kind: "bearer", token: "tok-9" } as const, refused: true },
    { reason: "a credential to loopback is allowed", endpoint: "127.0.0.1:50051", credentials: { kind: "api-key", secret: "sec-9" } as const, refused: false },
    { reason: "no credential to a remote host is allowed", endpoint: "keys.example.com:50051", credentials: { kind: "none" } as const, refused: false },
  ])("$reason", ({ endpoint, credentials, refused }) => {
    const open = () => createClient({ endpoint, credentials, tls: false }).close();
    if (refused) expect(open).toThrow(`insecure: plaintext would send the credential unencrypted to ${endpoint}, which is not a loopback endpoint; use TLS`);
    else expect(open).not.toThrow();
  });
});
