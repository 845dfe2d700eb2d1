import { Token } from "cdktf";
import { validateApiKeyArguments, validateServiceAccountId, type ApiKeyArguments } from "../src/resource/index.js";

/** Arguments of one API key, as the hand-written constructs take them (camelCase). */
export interface ApiKeyProps {
  /**
   * Free text, at most 256 characters; updated in place when changed.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Scopes the key grants (at most 100, unique, each at most 256 characters).
   * @default - no scopes
   */
  readonly scopes?: string[];
  /**
   * Expiry as an RFC 3339 timestamp such as `2030-01-01T00:00:00Z`.
   * @default - the key never expires
   */
  readonly expiresAt?: string;
  /**
   * Replace the key once it is this old (`90d`, `720h`, `1d12h`).
   * @default - never replaced for age
   */
  readonly rotateAfter?: string;
  /**
   * Arbitrary values; changing any of them replaces the key (rotation on demand).
   * @default - none
   */
  readonly keepers?: Record<string, string>;
  /**
   * age recipients (`age1...`): state then holds only the secret encrypted to them.
   * @default - the plain secret is kept in state as a sensitive value
   */
  readonly ageRecipients?: string[];
}

/** Attribute name in Terraform -> prop name in the constructs, for error messages. */
const PROP_NAMES: Readonly<Record<string, string>> = {
  description: "description",
  scopes: "scopes",
  expires_at: "expiresAt",
  rotate_after: "rotateAfter",
  keepers: "keepers",
  age_recipients: "ageRecipients",
};

/** The value, or undefined when it (or any element) is a token only known at apply time. */
function resolvedOrUndefined(value: unknown): unknown {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  if (Array.isArray(value) && value.some((item) => Token.isUnresolved(item))) return undefined;
  if (typeof value === "object" && value !== null && Object.values(value).some((item) => Token.isUnresolved(item))) return undefined;
  return value;
}

/** Problems with a service account id (skipped when it is a token known only at apply time). */
export function serviceAccountIdProblems(serviceAccountId: string): string[] {
  if (Token.isUnresolved(serviceAccountId)) return [];
  return validateServiceAccountId(serviceAccountId).map((problem) => `serviceAccountId ${problem.message}`);
}

/**
 * Problems with one key's arguments, checked by THE validation of src/resource (the same
 * rules the planner and the server apply), each as `<propPrefix><prop path> <message>`, e.g.
 * `keys.ci.scopes[1] duplicates scope "read"`. The service account is checked separately
 * (serviceAccountIdProblems). Values that are tokens (references to other resources) are
 * skipped: they are unknown until apply.
 */
export function apiKeyPropsProblems(props: ApiKeyProps, propPrefix: string): string[] {
  const args: ApiKeyArguments = {
    description: resolvedOrUndefined(props.description),
    scopes: resolvedOrUndefined(props.scopes),
    expires_at: resolvedOrUndefined(props.expiresAt),
    rotate_after: resolvedOrUndefined(props.rotateAfter),
    keepers: resolvedOrUndefined(props.keepers),
    age_recipients: resolvedOrUndefined(props.ageRecipients),
  };
  return validateApiKeyArguments(args)
    .filter((problem) => problem.path !== "service_account_id")
    .map((problem) => {
      const [, attribute = problem.path, rest = ""] = /^([a-z_]+)(.*)$/.exec(problem.path) ?? [];
      return `${propPrefix}${PROP_NAMES[attribute] ?? attribute}${rest} ${problem.message}`;
    });
}
