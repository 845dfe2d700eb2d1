import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import type * as X509 from "@peculiar/x509";

/** A freshly minted TLS server identity for the plugin's gRPC server. */
export interface ServerCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** DER of the certificate, for the handshake line. */
  readonly certificateDer: Uint8Array;
}

/**
 * Mints a self-signed ECDSA P-256 certificate for DNS SAN `localhost`, valid from a minute
 * ago for one day, with serverAuth: what go-plugin's client (Terraform) verifies when it reads
 * the certificate from the handshake line. ECDSA because key generation is ~1 ms where RSA
 * costs tens; @peculiar/x509 rather than selfsigned because selfsigned adds pkijs on top of it.
 */
export async function mintServerCertificate(): Promise<ServerCertificate> {
  // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill.
  // Loaded through require: its CommonJS build loads markedly faster than the ESM graph, and
  // this load is the longest step before the handshake line.
  const require = createRequire(import.meta.url);
  require("reflect-metadata");
  const x509 = require("@peculiar/x509") as typeof X509;
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto.getRandomValues(new Uint8Array(8)).reduce((hex, byte) => hex + byte.toString(16).padStart(2, "0"), "01"),
    name: "CN=localhost, O=keyform terraform provider",
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    keys: keys as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"]>,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`,
    certificateDer: new Uint8Array(certificate.rawData),
  };
}
