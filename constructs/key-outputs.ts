import type { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import type { ApiKey } from "./providers/keyform/api-key/index.js";

/** Terraform names (resources, outputs) allow letters, digits, `_` and `-`, not a leading digit or `-`. */
export const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The outputs a hand-written construct creates for one key. */
export interface KeyOutputs {
  /** `<name>_id`: the key id (plain). */
  readonly id: TerraformOutput;
  /** `<name>_masked_secret`: `****` plus the secret's last six characters (plain). */
  readonly maskedSecret: TerraformOutput;
  /**
   * `<name>_secret_key` (sensitive) or, for a key with age recipients,
   * `<name>_encrypted_secret_key` (the armored age ciphertext, not sensitive).
   */
  readonly secret: TerraformOutput;
}

/**
 * Creates the outputs of one key under `scope`, named `<outputName>_id`, `_masked_secret`
 * and `_secret_key` / `_encrypted_secret_key`. They reference the resource, so after a
 * replacement (rotation) they give the new key's values.
 */
export function createKeyOutputs(scope: Construct, idPrefix: string, outputName: string, key: ApiKey, encrypted: boolean): KeyOutputs {
  const output = (suffix: string, value: string, sensitive: boolean, description: string) => {
    const terraformOutput = new TerraformOutput(scope, `${idPrefix}${suffix}`, { value, sensitive, description });
    terraformOutput.overrideLogicalId(`${outputName}_${suffix}`);
    return terraformOutput;
  };
  return {
    id: output("id", key.id, false, `Id of API key ${outputName}.`),
    maskedSecret: output("masked_secret", key.maskedSecret, false, `Masked secret of API key ${outputName} (safe to display).`),
    secret: encrypted
      ? output("encrypted_secret_key", key.encryptedSecretKey, false, `Secret of API key ${outputName}, encrypted to its age recipients (decrypt with \`age -d -i <identity>\`).`)
      : output("secret_key", key.secretKey, true, `Secret of API key ${outputName}.`),
  };
}
