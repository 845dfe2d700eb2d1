/** One problem found in a synthesized stack: where (file, address, attribute path) and what. */
export interface LoadProblem {
  readonly file: string;
  /** `keyform_api_key.ci`, `data.keyform_api_keys.all`, `output.x`, `provider.keyform`, `terraform`, or a top-level block name. */
  readonly address: string;
  /** Attribute path within the address, e.g. `scopes[1]`, `keepers["team"]`, `lifecycle.ignore_changes[0]`; "" for the whole block. */
  readonly path: string;
  readonly message: string;
}

/** Formats one problem as `<address>: <path>: <message>` (the path part only when there is one). */
export function formatProblem(problem: LoadProblem): string {
  return [problem.address, problem.path, problem.message].filter((part) => part !== "").join(": ");
}

/**
 * Thrown when the stack cannot be used: carries EVERY problem found, not just the first, so
 * that one run shows the user everything to fix. The message lists them, one per line, under
 * the file they come from; it never quotes a secret (token/api_key values are not repeated).
 */
export class DesiredStateError extends Error {
  readonly problems: readonly LoadProblem[];
  constructor(file: string, problems: readonly LoadProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${file}: ${count}:\n${problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}`);
    this.name = "DesiredStateError";
    this.problems = problems;
  }
}

/** Appended to every "not supported" message: what to do instead. */
export const USE_CDKTF_DEPLOY = "use `cdktf deploy` (Terraform with the keyform provider) for such a stack";
