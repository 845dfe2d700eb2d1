import semver from "semver";

const CONSTRAINT = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?$/;

/**
 * Whether `version` satisfies a Terraform version constraint such as `0.1.0`, `~> 0.1`,
 * `>= 0.1.0, < 1.0.0` (comma = and). Terraform's `~>` allows only the rightmost given part
 * to grow: `~> 0.1` is `>= 0.1.0, < 1.0.0`, `~> 0.1.2` is `>= 0.1.2, < 0.2.0`.
 * Returns undefined when the constraint is not valid Terraform syntax.
 */
export function satisfiesTerraformConstraint(version: string, constraint: string): boolean | undefined {
  const parts = constraint.split(",").map((part) => part.trim());
  let satisfied = true;
  for (const part of parts) {
    const match = CONSTRAINT.exec(part);
    if (!match) return undefined;
    const [, operator = "=", major = "0", minor, patch, prerelease = ""] = match;
    const bound = `${major}.${minor ?? "0"}.${patch ?? "0"}${prerelease}`;
    if (!semver.valid(bound)) return undefined;
    const order = semver.compare(version, bound);
    switch (operator) {
      case "=":
        satisfied &&= order === 0;
        break;
      case "!=":
        satisfied &&= order !== 0;
        break;
      case ">=":
        satisfied &&= order >= 0;
        break;
      case "<=":
        satisfied &&= order <= 0;
        break;
      case ">":
        satisfied &&= order > 0;
        break;
      case "<":
        satisfied &&= order < 0;
        break;
      case "~>": {
        const upper = patch !== undefined ? `${major}.${Number(minor) + 1}.0` : `${Number(major) + 1}.0.0`;
        satisfied &&= order >= 0 && semver.lt(version, upper);
        break;
      }
    }
  }
  return satisfied;
}
