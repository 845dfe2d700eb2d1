/**
 * True for endpoints that never leave this machine: unix sockets, localhost, 127.0.0.0/8, ::1.
 * Plaintext with a credential is acceptable only for these.
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith("unix:")) return true;
  const host = trimmed.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
