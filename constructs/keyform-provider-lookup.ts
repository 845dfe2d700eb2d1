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
  if (explicit || findKeyformProvider(scope)) return [];
  return [
    `needs a keyform provider in its stack: add \`new KeyformProvider(stack, "keyform")\` (from constructs/index.js) to stack "${TerraformStack.of(scope).node.id}"`,
  ];
}

/**
 * Adds `serviceAccountId` to the provider's `exclusive_service_accounts` list (once), so
 * that `keyform plan` deletes keys under that account which no resource declares.
 */
export function addExclusiveServiceAccount(provider: KeyformProvider, serviceAccountId: string): void {
  const current = provider.exclusiveServiceAccounts ?? [];
  if (!current.includes(serviceAccountId)) provider.exclusiveServiceAccounts = [...current, serviceAccountId];
}
