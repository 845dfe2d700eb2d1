import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, Code } from "../../src/api-error.js";
import { collect, rejectionOf, startFixture } from "./fixture.js";
import type { ServerFixture } from "./fixture.js";

// A server with a certificate for localhost / 127.0.0.1 minted by selfsigned; the client
// trusts it only when given the certificate as its CA.
let fixture: ServerFixture;
let certPem: Buffer;

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  certPem = Buffer.from(pems.cert);
  fixture = await startFixture({ tls: { certPem, keyPem: Buffer.from(pems.private) } });
});
afterAll(async () => fixture?.close());

describe("TLS", () => {
  it("talks to a TLS server when given its CA", async () => {
    const client = fixture.client({ tls: { caPem: certPem } });
    const account = await client.createServiceAccount({ folderId: "b1gtls", name: "tls" });
    expect((await collect(client.listServiceAccounts("b1gtls"))).map((listed) => listed.id)).toEqual([account.id]);
  });

  it("refuses the server's certificate with the system roots (UNAVAILABLE), without the token", async () => {
    const client = fixture.client({ tls: {}, maxAttempts: 1 });
    const error = (await rejectionOf(client.getServiceAccount("ajeanything"))) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(Code.UNAVAILABLE);
    expect(error.message).not.toContain(fixture.server.adminToken);
  });

  it("fails plaintext against the TLS port instead of sending the token in clear", async () => {
    const client = fixture.client({ tls: false, maxAttempts: 1 });
    const error = (await rejectionOf(client.getServiceAccount("ajeanything"))) as ApiError;
    expect(error.code).toBe(Code.UNAVAILABLE);
  });
});
