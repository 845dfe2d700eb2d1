import type { MessageInitShape } from "@bufbuild/protobuf";
import { ApiError, Code } from "../api-error.js";
import type { Problem } from "../resource/index.js";
import { Diagnostic_Severity, type DiagnosticSchema } from "../gen/tfplugin6/tfplugin6.8_pb.js";

/** A tfplugin6 Diagnostic as handlers return it. Never holds a secret or a token. */
export type DiagnosticInit = MessageInitShape<typeof DiagnosticSchema>;

/**
 * Turns a path as src/resource's validators write it (`scopes[2]`, `keepers["env"]`,
 * `service_account_id`) into AttributePath steps.
 */
export function attributePath(path: string): { steps: DiagnosticStep[] } {
  const steps: DiagnosticStep[] = [];
  for (const match of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[1] !== undefined) steps.push({ selector: { case: "attributeName", value: match[1] } });
    else if (match[2] !== undefined) steps.push({ selector: { case: "elementKeyInt", value: BigInt(match[2]) } });
    else if (match[3] !== undefined) steps.push({ selector: { case: "elementKeyString", value: match[3] } });
  }
  return { steps };
}

type DiagnosticStep =
  | { selector: { case: "attributeName"; value: string } }
  | { selector: { case: "elementKeyInt"; value: bigint } }
  | { selector: { case: "elementKeyString"; value: string } };

/** An error diagnostic, on `path` when given. */
export function errorDiagnostic(summary: string, detail: string, path?: string): DiagnosticInit {
  return { severity: Diagnostic_Severity.ERROR, summary, detail, ...(path ? { attribute: attributePath(path) } : {}) };
}

/** Validation problems of src/resource as error diagnostics on their attributes. */
export function problemDiagnostics(problems: readonly Problem[], what: string): DiagnosticInit[] {
  return problems.map((problem) =>
    errorDiagnostic(`Invalid ${what} ${problem.path}`, `${problem.path} ${problem.message}.`, problem.path),
  );
}

const API_FIELDS = ["service_account_id", "description", "scopes", "expires_at"] as const;

/**
 * Turns an error from the API (or the connection) into a diagnostic that names the attribute
 * it is about and says what to do. ApiError messages are safe by contract (no secrets);
 * anything else is reduced to its code.
 */
export function apiErrorDiagnostic(action: string, error: unknown, context: { serviceAccountId?: string; endpoint?: string } = {}): DiagnosticInit {
  const apiError = error instanceof ApiError ? error : error instanceof Error && error.name === "ConnectionSettingsError" ? undefined : ApiError.from(error);
  if (!apiError) {
    return errorDiagnostic(`Cannot ${action}: provider configuration`, `${(error as Error).message}. Fix the provider "keyform" block or the KEYFORM_* environment variables.`);
  }
  const message = apiError.rawMessage;
  const field = API_FIELDS.find((name) => message.startsWith(`${name}`));
  switch (apiError.code) {
    case Code.INVALID_ARGUMENT:
      return errorDiagnostic(`Cannot ${action}: the API rejected ${field ?? "the request"}`, `${message}. Change the value in the configuration and apply again.`, field);
    case Code.NOT_FOUND:
      return errorDiagnostic(
        `Cannot ${action}: not found`,
        `${message}. Check that service account ${context.serviceAccountId ?? ""} exists (keyform service-account list) or fix service_account_id.`,
        "service_account_id",
      );
    case Code.PERMISSION_DENIED:
      return errorDiagnostic(
        `Cannot ${action}: permission denied`,
        `${message}. The provider's credential may manage only its own service account's keys; use an admin token (token / KEYFORM_TOKEN) or fix service_account_id.`,
        "service_account_id",
      );
    case Code.UNAUTHENTICATED:
      return errorDiagnostic(
        `Cannot ${action}: not authenticated`,
        `${message}. Check the provider's token or api_key (KEYFORM_TOKEN / KEYFORM_API_KEY): it is missing, wrong or expired.`,
      );
    case Code.UNAVAILABLE:
    case Code.DEADLINE_EXCEEDED:
      return errorDiagnostic(
        `Cannot ${action}: the API is unreachable`,
        `${message}. Check the provider's endpoint${context.endpoint ? ` (${context.endpoint})` : ""}, that the server runs, and insecure / ca_file for its TLS setup.`,
      );
    default:
      return errorDiagnostic(`Cannot ${action}: ${apiError.message}`, `The API answered ${apiError.message}. Try again; if it persists, run with KEYFORM_TRACE=provider,client.`, field);
  }
}

/**
 * The error for a provider setting Terraform knows only after apply (set from another
 * resource's attribute) when the client cannot defer: the provider would otherwise refresh
 * against the wrong API (the environment's, or a fresh embedded store) and plan creates for
 * keys that exist.
 */
export function unknownSettingDiagnostic(attribute: string, variable: string): DiagnosticInit {
  return errorDiagnostic(
    `keyform provider setting ${attribute} is unknown at plan time`,
    `${attribute} depends on a value Terraform knows only after apply (such as another resource's attribute), so the provider cannot tell which API to read the keys from. ` +
      `Provider settings must be known at plan time: set ${attribute} from a literal, a variable or ${variable}, or create what it depends on first (terraform apply -target=<that resource>) and then plan again.`,
    attribute,
  );
}
