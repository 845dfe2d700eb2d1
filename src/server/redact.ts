/** What the redactor puts where a secret was. */
export const REDACTED = "[redacted]";

// API key secrets by their public format (longer runs too), and whatever follows an
// authorization scheme, whatever the token looks like.
const SECRET_PATTERN = /AQVN[A-Za-z0-9_-]{35,}/g;
const CREDENTIAL_PATTERN = /\b(Bearer|Api-Key)(\s+)\S+/gi;

/**
 * Returns a function that removes secrets from text bound for a log: API key secrets
 * (`AQVN` + 35 or more characters), `Bearer <x>` / `Api-Key <x>` credentials, and every one
 * of `knownSecrets` (the admin tokens, which have no recognizable format).
 */
export function createRedactor(knownSecrets: readonly string[] = []): (text: string) => string {
  // Longest first, so a token that contains another is removed whole.
  const literals = knownSecrets.filter((secret) => secret !== "").sort((a, b) => b.length - a.length);
  return (text) => {
    let redacted = text;
    for (const literal of literals) redacted = redacted.split(literal).join(REDACTED);
    return redacted.replace(SECRET_PATTERN, REDACTED).replace(CREDENTIAL_PATTERN, `$1$2${REDACTED}`);
  };
}

/** A redactor of the patterns alone: what the server's trace applies to every line. */
export const redactSecrets = createRedactor();
