import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { webcrypto } from "node:crypto";
import * as tls from "node:tls";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRPCController } from "../../src/gen/plugin/grpc_controller_pb.js";
import { Provider } from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import type { GetProviderSchema_Response } from "../../src/gen/tfplugin6/tfplugin6.8_pb.js";
import { grpcServiceDefinition } from "../../src/grpc/service-definition.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/provider/handshake.js";
import { builtProvider } from "../e2e/terraform-helpers.js";

/**
 * The built provider as go-plugin's client (Terraform) sees it: handshake line, mTLS that
 * accepts only the PLUGIN_CLIENT_CERT certificate, GetProviderSchema, and Shutdown ending the
 * process and removing its socket directory.
 */

interface ClientIdentity {
  certificatePem: string;
  privateKeyPem: string;
}

/** A client certificate shaped like go-plugin's (self-signed CA, clientAuth + serverAuth, SAN localhost). */
async function mintClientIdentity(): Promise<ClientIdentity> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"]>;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "02",
    name: "CN=localhost, O=HashiCorp",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as never));
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64")}\n-----END PRIVATE KEY-----\n`,
  };
}

let terraformIdentity: ClientIdentity;
let strangerIdentity: ClientIdentity;
let child: ChildProcessWithoutNullStreams;
let socketPath: string;
let serverCertificatePem: string;
let exited: Promise<number | null>;

beforeAll(async () => {
  [terraformIdentity, strangerIdentity] = await Promise.all([mintClientIdentity(), mintClientIdentity()]);
  child = spawn(process.execPath, [builtProvider], {
    env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: terraformIdentity.certificatePem },
  });
  exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("\n")) resolve(output.split("\n")[0] as string);
    });
    child.once("exit", (code) => reject(new Error(`provider exited ${code} before the handshake`)));
  });
  const fields = line.split("|");
  expect(fields.slice(0, 3)).toEqual(["1", "6", "unix"]);
  expect(fields[4]).toBe("grpc");
  expect(fields[5]).not.toContain("=");
  socketPath = fields[3] as string;
  serverCertificatePem = new x509.X509Certificate(Buffer.from(fields[5] as string, "base64")).toString("pem");
}, 60_000);

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
});

function providerClient(identity: ClientIdentity): grpc.Client & Record<string, unknown> {
  const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(Provider), "Provider");
  const credentials = grpc.credentials.createSsl(Buffer.from(serverCertificatePem), Buffer.from(identity.privateKeyPem), Buffer.from(identity.certificatePem));
  return new Constructor(`unix:${socketPath}`, credentials, { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" }) as grpc.Client & Record<string, unknown>;
}

function call<Response>(client: grpc.Client & Record<string, unknown>, method: string, request: object): Promise<Response> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as (request: object, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: Response) => void) => void;
    fn.call(client, request, { deadline: Date.now() + 20_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/**
 * Speaks raw TLS to the provider with `identity` and sends the HTTP/2 preface: how many bytes the
 * provider answered before closing (its HTTP/2 SETTINGS when it accepted the certificate; none
 * when it dropped the connection right after the TLS handshake).
 */
function bytesAnsweredOverTls(identity: ClientIdentity): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = tls.connect({ path: socketPath, ca: serverCertificatePem, cert: identity.certificatePem, key: identity.privateKeyPem, servername: "localhost", ALPNProtocols: ["h2"] });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      socket.destroy();
    });
    socket.once("secureConnect", () => socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(received));
  });
}

describe("the built provider over mTLS", () => {
  it("serves GetProviderSchema to Terraform's client certificate", async () => {
    const client = providerClient(terraformIdentity);
    try {
      const schema = await call<GetProviderSchema_Response>(client, "getProviderSchema", {});
      expect(Object.keys(schema.resourceSchemas)).toEqual(["keyform_api_key"]);
      expect(Object.keys(schema.dataSourceSchemas)).toEqual(["keyform_api_keys"]);
      expect(schema.serverCapabilities?.planDestroy).toBe(true);
      expect(schema.diagnostics).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("refuses a client certificate other than PLUGIN_CLIENT_CERT", async () => {
    const client = providerClient(strangerIdentity);
    try {
      const refused = (await call(client, "getProviderSchema", {}).then(() => undefined, (error: unknown) => error)) as grpc.ServiceError | undefined;
      expect(refused?.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      client.close();
    }
    // Underneath, the provider drops the TLS connection before any HTTP/2 byte; Terraform's gets an answer.
    expect(await bytesAnsweredOverTls(strangerIdentity)).toBe(0);
    expect(await bytesAnsweredOverTls(terraformIdentity)).toBeGreaterThan(0);
    // The refusal is per connection: the provider lives on and Terraform's certificate still works.
    expect(child.exitCode).toBeNull();
    const terraformClient = providerClient(terraformIdentity);
    try {
      const schema = await call<GetProviderSchema_Response>(terraformClient, "getProviderSchema", {});
      expect(Object.keys(schema.resourceSchemas)).toEqual(["keyform_api_key"]);
    } finally {
      terraformClient.close();
    }
  });

  it("answers UNIMPLEMENTED for an RPC Terraform 1.11 does not call", async () => {
    const client = providerClient(terraformIdentity);
    try {
      await expect(call(client, "getFunctions", {})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      client.close();
    }
  });

  it("answers Shutdown, exits 0 and removes its socket directory", async () => {
    const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(GRPCController), "GRPCController");
    const credentials = grpc.credentials.createSsl(Buffer.from(serverCertificatePem), Buffer.from(terraformIdentity.privateKeyPem), Buffer.from(terraformIdentity.certificatePem));
    const controller = new Constructor(`unix:${socketPath}`, credentials, { "grpc.ssl_target_name_override": "localhost" }) as grpc.Client & Record<string, unknown>;
    await call(controller, "shutdown", {});
    controller.close();
    expect(await exited).toBe(0);
    expect(existsSync(dirname(socketPath))).toBe(false);
  });
});

describe("the built provider orphaned", () => {
  it("stops when Terraform (its parent) is gone, removing its socket directory", async () => {
    const { run, repoRoot } = await import("../e2e/terraform-helpers.js");
    // A parent shell that starts the provider, prints its pid and handshake line, then exits.
    const script = `"${process.execPath}" "${builtProvider}" > "$0" 2>/dev/null & echo $!; sleep 1`;
    const handshakeFile = join(tmpdir(), `keyform-orphan-${process.pid}.out`);
    const parent = await run("/bin/sh", ["-c", script, handshakeFile], {
      cwd: repoRoot,
      env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "6", TF_DISABLE_PLUGIN_TLS: "1" },
    });
    const pid = Number(parent.stdout.trim());
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive()) await new Promise((resolve) => setTimeout(resolve, 100));
    const socket = readFileSync(handshakeFile, "utf8").split("|")[3] as string;
    rmSync(handshakeFile, { force: true });
    expect(socket).toMatch(/plugin\.sock$/);
    expect(existsSync(dirname(socket))).toBe(false);
  }, 30_000);
});
