import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConnectionSettingsError, DEMO_FOLDER_ID, DEMO_SERVICE_ACCOUNTS, connect } from "../../src/embedded/index.js";
import { collect, rejectionOf } from "./fixture.js";

const workDir = mkdtempSync(join(tmpdir(), "keyform-embedded-test-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("connect() with no endpoint: the embedded default", () => {
  it("creates the data dir and the demo accounts, serves the API in-process, and cleans up its socket dir", async () => {
    const dataDir = join(workDir, "data");
    const connection = await connect({ dataDir });
    const socketPath = connection.address.replace(/^unix:/, "");
    try {
      expect(connection.address).toMatch(/^unix:\/.+\/api\.sock$/);
      expect(statSync(dirname(socketPath)).mode & 0o777).toBe(0o700);
      expect(connection.embedded).toBe(true);
      expect(connection.description).toBe(`embedded store ${dataDir}`);
      expect(statSync(dataDir).isDirectory()).toBe(true);
      const accounts = await collect(connection.client.listServiceAccounts(DEMO_FOLDER_ID));
      expect(accounts.map((account) => account.id).sort()).toEqual(DEMO_SERVICE_ACCOUNTS.map((account) => account.id).sort());

      const demo = DEMO_SERVICE_ACCOUNTS[0].id;
      const { apiKey } = await connection.client.createApiKey({ serviceAccountId: demo, description: "embedded" });
      expect((await connection.client.getApiKey(apiKey?.id ?? "")).description).toBe("embedded");
    } finally {
      await connection.close();
    }
    expect(existsSync(dirname(socketPath))).toBe(false);

    // A configured credential replaces the admin token, and the description says so.
    const withKey = await connect({ dataDir, apiKey: "AQVNnotarealkeynotarealkeynotarealkey00" });
    try {
      expect(withKey.description).toBe(`embedded store ${dataDir} (with the given API key)`);
      const error = await rejectionOf(collect(withKey.client.listApiKeys("")));
      expect((error as Error).message).toMatch(/^\[UNAUTHENTICATED\]/);
      expect((error as Error).message).not.toContain("AQVNnotarealkey");
    } finally {
      await withKey.close();
    }

    // The store persists: a second connection sees the key, and the demo accounts are not duplicated.
    const again = await connect({ dataDir });
    try {
      const keys = await collect(again.client.listApiKeys(DEMO_SERVICE_ACCOUNTS[0].id));
      expect(keys.map((key) => key.description)).toEqual(["embedded"]);
      expect(await collect(again.client.listServiceAccounts(DEMO_FOLDER_ID))).toHaveLength(DEMO_SERVICE_ACCOUNTS.length);
    } finally {
      await again.close();
    }
  });
});

describe("connect() with an endpoint", () => {
  it.each([
    {
      reason: "no credential names both settings",
      settings: { endpoint: "iam.api.cloud.yandex.net:443" },
      want: "no credential for KEYFORM_ENDPOINT: set KEYFORM_TOKEN (a bearer token) or KEYFORM_API_KEY (an API key secret)",
    },
    {
      reason: "both credentials, named as the caller spells them",
      settings: { endpoint: "h:1", token: "t-secret", apiKey: "k-secret", names: { token: "token", apiKey: "api_key" } },
      want: "both token and api_key are set; set only one of them",
    },
    {
      reason: "insecure and a CA file contradict",
      settings: { endpoint: "h:1", token: "t-secret", insecure: true, caFile: "/nonexistent/ca.pem" },
      want: "KEYFORM_INSECURE (plaintext) and KEYFORM_CA_FILE (TLS) contradict each other; set only one",
    },
    {
      reason: "insecure for a remote endpoint would send the credential in plaintext",
      settings: { endpoint: "10.0.0.5:50051", token: "t-secret", insecure: true },
      want: "KEYFORM_INSECURE asks for plaintext, which is allowed only for loopback endpoints (127.0.0.1, ::1, localhost, unix:): 10.0.0.5:50051 is not one, and the token or API key would cross the network unencrypted. Remove it and use TLS (KEYFORM_CA_FILE for a private CA).",
    },
    {
      reason: "unreadable CA file names the file and the setting",
      settings: { endpoint: "h:1", token: "t-secret", caFile: "/nonexistent/ca.pem" },
      want: "KEYFORM_CA_FILE: cannot read CA file /nonexistent/ca.pem (ENOENT)",
    },
  ])("$reason", async ({ settings, want }) => {
    const error = (await rejectionOf(connect(settings))) as Error;
    expect(error).toBeInstanceOf(ConnectionSettingsError);
    expect(error.message).toBe(want);
  });

  it.each([
    { reason: "loopback defaults to plaintext", settings: { endpoint: "127.0.0.1:50051" }, want: "127.0.0.1:50051 (plaintext)" },
    { reason: "loopback with insecure=false uses TLS", settings: { endpoint: "localhost:50051", insecure: false }, want: "localhost:50051 (TLS, system roots)" },
    { reason: "a remote endpoint uses TLS", settings: { endpoint: "iam.api.cloud.yandex.net:443" }, want: "iam.api.cloud.yandex.net:443 (TLS, system roots)" },
    { reason: "insecure is honoured for a loopback endpoint", settings: { endpoint: "localhost:50051", insecure: true }, want: "localhost:50051 (plaintext)" },
  ])("$reason", async ({ settings, want }) => {
    // The channel is lazy: nothing connects, so these endpoints need not exist.
    const connection = await connect({ ...settings, token: "t-secret" });
    try {
      expect(connection.embedded).toBe(false);
      expect(connection.description).toBe(want);
    } finally {
      await connection.close();
    }
  });
});
