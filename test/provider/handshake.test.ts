import { describe, expect, it } from "vitest";
import { MAGIC_COOKIE_VALUE, NOT_A_COMMAND_MESSAGE, checkHandshakeEnvironment, handshakeLine } from "../../src/provider/handshake.js";

describe("checkHandshakeEnvironment", () => {
  const cookie = { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE };
  it.each([
    { reason: "no cookie: run by hand", env: { PLUGIN_PROTOCOL_VERSIONS: "6" }, want: { ok: false, message: NOT_A_COMMAND_MESSAGE } },
    { reason: "wrong cookie", env: { TF_PLUGIN_MAGIC_COOKIE: "x", PLUGIN_PROTOCOL_VERSIONS: "6" }, want: { ok: false, message: NOT_A_COMMAND_MESSAGE } },
    { reason: "6 offered after 5", env: { ...cookie, PLUGIN_PROTOCOL_VERSIONS: "5,6" }, want: { ok: true, protocolVersion: 6, tls: true } },
    { reason: "6 offered first", env: { ...cookie, PLUGIN_PROTOCOL_VERSIONS: "6,5" }, want: { ok: true, protocolVersion: 6, tls: true } },
    { reason: "TLS disabled", env: { ...cookie, PLUGIN_PROTOCOL_VERSIONS: "6", TF_DISABLE_PLUGIN_TLS: "1", PLUGIN_CLIENT_CERT: "pem" }, want: { ok: true, protocolVersion: 6, tls: false } },
    { reason: "client certificate kept", env: { ...cookie, PLUGIN_PROTOCOL_VERSIONS: "6", PLUGIN_CLIENT_CERT: "pem" }, want: { ok: true, protocolVersion: 6, tls: true, clientCertificatePem: "pem" } },
  ])("$reason", ({ env, want }) => {
    expect(checkHandshakeEnvironment(env)).toEqual(want);
  });

  it("names the offered versions when 6 is missing", () => {
    const result = checkHandshakeEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "4,5" });
    expect(result).toEqual({ ok: false, message: expect.stringContaining("offered 4, 5 (PLUGIN_PROTOCOL_VERSIONS)") });
  });
});

describe("handshakeLine", () => {
  it.each([
    { reason: "DER whose base64 needs two = is unpadded", der: [1, 2, 3, 4], want: "1|6|unix|/s.sock|grpc|AQIDBA\n" },
    { reason: "DER whose base64 needs one = is unpadded", der: [1, 2, 3, 4, 5], want: "1|6|unix|/s.sock|grpc|AQIDBAU\n" },
    { reason: "no TLS leaves the field empty", der: undefined, want: "1|6|unix|/s.sock|grpc|\n" },
  ])("$reason", ({ der, want }) => {
    expect(handshakeLine("/s.sock", der ? new Uint8Array(der) : undefined)).toBe(want);
  });
});

describe("the built provider run by hand", () => {
  it("says it is a Terraform plugin and exits 1", async () => {
    const { run, builtProvider, repoRoot } = await import("../e2e/terraform-helpers.js");
    const env = { ...process.env };
    delete env.TF_PLUGIN_MAGIC_COOKIE;
    const result = await run(process.execPath, [builtProvider], { cwd: repoRoot, env });
    expect(result).toEqual({ code: 1, stdout: "", stderr: NOT_A_COMMAND_MESSAGE });
  });
});
