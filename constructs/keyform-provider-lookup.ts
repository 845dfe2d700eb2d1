import type { IConstruct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import { PROVIDER_SOURCE } from "../src/resource/index.js";
import type { KeyformProvider } from "./providers/keyform/provider/index.js";

/**
 * The stack's default (alias-less) keyform provider, or undefined when the stack has none.
 * Matches on the provider source rather than `instanceof`, so a provider constructed from
 * another copy of the bindings is still found.
 */
export function findKeyformProvider(scope: IConstruct): KeyformProvider | undefined {
  const stack = TerraformStack.of(scope);
  const providers = stack.node
    .findAll()
    .filter((node): node is TerraformProvider => TerraformProvider.isTerraformProvider(node))
    .filter((provider) => provider.terraformProviderSource === PROVIDER_SOURCE && provider.alias === undefined);
  return providers[0] as KeyformProvider | undefined;
}

/**
 * Problems with the provider a construct's keys use: the given one, else the stack's
 * default keyform provider. Without any, cdktf would emit `keyform_api_key` resources with no
 * `required_providers` entry, which neither `keyform plan` nor `terraform init` accepts.
 */
export function keyformProviderProblems(scope: IConstruct, explicit: TerraformProvider | undefined): string[] {
  const provider = explicit ?? findKeyformProvider(scope);
  if (!provider) {
    return [
      `needs a keyform provider in its stack: add \`new KeyformProvider(stack, "keyform")\` (from constructs/index.js) to stack "${TerraformStack.of(scope).node.id}"`,
    ];
  }
  return credentialProblems(provider);
}

const CREDENTIAL_VARIABLES = { token: "KEYFORM_TOKEN", apiKey: "KEYFORM_API_KEY" } as const;

/**
 * A credential set on the provider would be written into cdk.tf.json (and from there into
 * version control, CI artifacts and plan files); keyform plan refuses such a stack, so say so
 * at synth time, naming the provider, rather than after synthesis.
 */
function credentialProblems(provider: TerraformProvider): string[] {
  const keyform = provider as Partial<Pick<KeyformProvider, "token" | "apiKey">>;
  return Object.entries(CREDENTIAL_VARIABLES)
    .filter(([property]) => keyform[property as keyof typeof CREDENTIAL_VARIABLES] !== undefined)
    .map(
      ([property, variable]) =>
        `provider ${provider.node.path}: do not set \`${property}\`, it would be stored in cdk.tf.json; set the ${variable} environment variable instead`,
    );
}

/**
 * Adds `serviceAccountId` to the provider's `exclusive_service_accounts` list (once), so
 * that `keyform plan` deletes keys under that account which no resource declares.
 */
export function addExclusiveServiceAccount(provider: KeyformProvider, serviceAccountId: string): void {
  const current = provider.exclusiveServiceAccounts ?? [];
  if (!current.includes(serviceAccountId)) provider.exclusiveServiceAccounts = [...current, serviceAccountId];
}
