/**
 * The go-plugin handshake as Terraform 1.11 performs it (../shared/docs/terraform-facts.md):
 * environment checks and the first stdout line. Pure functions; main.ts does the I/O.
 */

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/** The only plugin protocol this provider speaks. */
export const PROTOCOL_VERSION = 6;
/** go-plugin's core protocol version, the first field of the handshake line. */
export const CORE_PROTOCOL_VERSION = 1;

export const NOT_A_COMMAND_MESSAGE =
  "This binary is a Terraform plugin (terraform-provider-keyform). It is not meant to be run directly:\n" +
  "Terraform starts it. Install it with `keyform provider install` and run terraform or cdktf.\n";

export type HandshakeCheck =
  | { readonly ok: true; readonly protocolVersion: number; readonly tls: boolean; readonly clientCertificatePem?: string }
  | { readonly ok: false; readonly message: string };

/**
 * Checks what Terraform passes in the environment: the magic cookie (absent: someone ran the
 * binary by hand), PLUGIN_PROTOCOL_VERSIONS (a comma list in any order; 6 must be in it), TLS
 * (on unless TF_DISABLE_PLUGIN_TLS is set) and PLUGIN_CLIENT_CERT (Terraform's client
 * certificate, to verify the peer with).
 */
export function checkHandshakeEnvironment(env: NodeJS.ProcessEnv): HandshakeCheck {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) return { ok: false, message: NOT_A_COMMAND_MESSAGE };
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? "")
    .split(",")
    .map((text) => Number(text.trim()))
    .filter((version) => Number.isInteger(version) && version > 0);
  if (!offered.includes(PROTOCOL_VERSION)) {
    return {
      ok: false,
      message: `terraform-provider-keyform speaks plugin protocol ${PROTOCOL_VERSION} only; Terraform offered ${
        offered.length ? offered.join(", ") : "none"
      } (PLUGIN_PROTOCOL_VERSIONS). Use Terraform 1.0 or newer.\n`,
    };
  }
  const tls = !env.TF_DISABLE_PLUGIN_TLS;
  const clientCertificatePem = env.PLUGIN_CLIENT_CERT?.trim() ? env.PLUGIN_CLIENT_CERT : undefined;
  return { ok: true, protocolVersion: PROTOCOL_VERSION, tls, ...(tls && clientCertificatePem ? { clientCertificatePem } : {}) };
}

/**
 * The first stdout line: `1|6|unix|<socket>|grpc|<certificate>`, where the certificate is the
 * DER in standard base64 without `=` padding (go-plugin decodes with RawStdEncoding; padding
 * fails). Without TLS the last field is empty.
 */
export function handshakeLine(socketPath: string, certificateDer?: Uint8Array): string {
  const certificate = certificateDer ? Buffer.from(certificateDer).toString("base64").replace(/=+$/, "") : "";
  return `${CORE_PROTOCOL_VERSION}|${PROTOCOL_VERSION}|unix|${socketPath}|grpc|${certificate}\n`;
}
