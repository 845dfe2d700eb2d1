import { ExitError } from "../exit-error.js";
import type { ApiKeyConfig, DesiredState, StateResource } from "../../reconcile/types.js";
import { loadDesiredIfSynthesized, observe } from "./planning.js";
import type { StackFlags } from "./planning.js";
import { asExitError, withApi, withLockedState } from "./session.js";

const ADDRESS = /^keyform_api_key\.[^.\s]+$/;

/**
 * `keyform import ADDRESS KEY_ID`: adopts an existing key (one Get). Its secret is unknown:
 * secret_key stays null and secret_unknown is true. keyform-only arguments (rotate_after,
 * keepers, age_recipients) are taken from the stack's declaration of ADDRESS, so that the next
 * plan does not replace the key just for them.
 * @throws ExitError, changing nothing, when a synthesized stack does not declare ADDRESS (as
 *   Terraform, which refuses to import into an address not in the configuration: the next
 *   apply would delete the key), when ADDRESS is already in state, or when KEY_ID is already
 *   tracked under another address.
 */
export async function importCommand(address: string, keyId: string, flags: StackFlags): Promise<void> {
  if (!ADDRESS.test(address)) throw new ExitError(`address "${address}" must look like keyform_api_key.NAME`);
  try {
    const desired = await loadDesiredIfSynthesized(flags);
    const declaredKey = desired?.keys.find((key) => key.address === address);
    const declared = declaredKey?.config;
    if (desired && !declared) throw new ExitError(undeclaredImportMessage(address, desired));
    if (!desired) {
      process.stderr.write(
        `Warning: no synthesized stack, so keyform cannot check that ${address} is declared; declare it before the next apply, which deletes keys the stack does not declare.\n`,
      );
    }
    await withLockedState(flags, `import ${address} ${keyId}`, (store) =>
      withApi(flags, desired, async ({ client }) => {
        refuseTrackedImport(store.current().resources, address, keyId, store.file);
        const { toObservedKey } = await import("../../reconcile/refresh.js");
        const key = toObservedKey(await client.getApiKey(keyId));
        const config: ApiKeyConfig = {
          service_account_id: key.service_account_id,
          description: key.description === "" && declared?.description == null ? null : key.description,
          scopes: key.scopes.length === 0 && declared?.scopes == null ? null : key.scopes,
          expires_at: key.expires_at,
          rotate_after: declared?.rotate_after ?? null,
          keepers: declared?.keepers ?? null,
          age_recipients: declared?.age_recipients ?? null,
        };
        const resource: StateResource = {
          address,
          config,
          attributes: { id: key.id, created_at: key.created_at, masked_secret: key.masked_secret, secret_key: null, encrypted_secret_key: null, secret_unknown: true },
          pending_create: null,
          deposed: [],
        };
        const { withPreventDestroy } = await import("../../reconcile/state/index.js");
        await store.update((draft) => void draft.resources.set(address, withPreventDestroy(resource, declaredKey?.lifecycle.prevent_destroy ?? false)));
        process.stdout.write(`Import successful: ${address} [id=${key.id}].\n`);
        process.stdout.write(
          `The secret of an imported key is unknown: keyform never saw it, so secret_key stays null. ` +
            `To get a secret keyform knows, replace the key (for example change its keepers).\n`,
        );
      }),
    );
  } catch (error) {
    await asExitError(error);
  }
}

/** Why an import into an address the stack does not declare is refused, and how to declare it. */
export function undeclaredImportMessage(address: string, desired: DesiredState): string {
  const name = address.slice(address.indexOf(".") + 1);
  const declared = desired.keys.map((key) => key.address);
  return (
    `cannot import into ${address}: stack ${desired.stack} (${desired.file}) does not declare it, so the next apply would delete the adopted key. ` +
    `Declare it first: in CDKTF, new ApiKey(this, "${name}", { serviceAccountId: ... }) with .overrideLogicalId("${name}") ` +
    `(or a keyform_api_key resource whose logical id is "${name}"), run cdktf synth (or pass --synth), then import again. ` +
    `The stack declares: ${declared.length > 0 ? declared.join(", ") : "no keyform_api_key"}. Nothing was changed`
  );
}

/** Refuses an import into an address already in state, or of a key state already tracks under another address. */
function refuseTrackedImport(resources: readonly StateResource[], address: string, keyId: string, file: string): void {
  if (resources.some((resource) => resource.address === address)) {
    throw new ExitError(`${address} is already in ${file}; remove it first with keyform state rm ${address}. Nothing was changed`);
  }
  const holder = resources.find((resource) => resource.attributes?.id === keyId);
  if (holder) {
    throw new ExitError(`key ${keyId} is already managed as ${holder.address} in ${file}; a key can be imported under one address only. Nothing was changed`);
  }
  const deposedBy = resources.find((resource) => resource.deposed.some((deposed) => deposed.id === keyId));
  if (deposedBy) {
    throw new ExitError(`key ${keyId} is the replaced (deposed) key of ${deposedBy.address} in ${file}, which the next apply deletes; it cannot be imported. Nothing was changed`);
  }
}

/**
 * `keyform refresh`: lists the keys and records what the API reports: keys deleted out of band
 * leave state, changed attributes are taken over (so the next plan shows them as changes the
 * configuration asks for, not as drift). Prints what changed.
 */
export async function refreshCommand(flags: StackFlags): Promise<void> {
  try {
    const desired = await loadDesiredIfSynthesized(flags);
    await withLockedState(flags, "refresh", (store) =>
      withApi(flags, desired, async ({ client }) => {
        const { sameInstant } = await import("../../reconcile/plan/index.js");
        const observation = await observe(client, desired, store.current(), { ...flags, refresh: "true" });
        const byId = new Map(observation.keys.map((key) => [key.id, key]));
        const listed = new Set(observation.accounts);
        const messages: string[] = [];
        await store.update((draft) => {
          for (const resource of draft.resources.values()) {
            const attributes = resource.attributes;
            if (!attributes || !listed.has(resource.config.service_account_id)) continue;
            const key = byId.get(attributes.id);
            if (!key) {
              if (resource.pending_create || resource.deposed.length > 0) draft.resources.set(resource.address, { ...resource, attributes: null });
              else draft.resources.delete(resource.address);
              messages.push(`${resource.address}: key ${attributes.id} no longer exists; removed from state`);
              continue;
            }
            const config: ApiKeyConfig = {
              ...resource.config,
              service_account_id: key.service_account_id,
              description: key.description === "" && resource.config.description === null ? null : key.description,
              scopes: key.scopes.length === 0 && resource.config.scopes === null ? null : key.scopes,
              expires_at: sameInstant(key.expires_at, resource.config.expires_at) ? resource.config.expires_at : key.expires_at,
            };
            if (JSON.stringify(config) !== JSON.stringify(resource.config)) messages.push(`${resource.address}: attributes changed outside keyform; state updated`);
            draft.resources.set(resource.address, { ...resource, config, attributes: { ...attributes, created_at: key.created_at, masked_secret: key.masked_secret } });
          }
        });
        for (const message of messages) process.stdout.write(`${message}\n`);
        process.stdout.write(`Refreshed ${store.current().resources.length} resource(s) from ${observation.accounts.length} service account(s); ${messages.length} change(s).\n`);
      }),
    );
  } catch (error) {
    await asExitError(error);
  }
}

