import { ExitError } from "../exit-error.js";
import { asExitError, readStateUnlocked, statePath, withLockedState } from "./session.js";
import type { ReconcileFlags } from "./session.js";

/** `keyform state list`: one address per line (pending and deposed entries marked). */
export async function stateListCommand(flags: ReconcileFlags): Promise<void> {
  try {
    const { state } = await readStateUnlocked(flags);
    for (const resource of state.resources) {
      const notes = [
        resource.attributes ? null : "(no key)",
        resource.pending_create ? "(create pending)" : null,
        resource.deposed.length > 0 ? `(${resource.deposed.length} deposed)` : null,
      ].filter((note) => note !== null);
      process.stdout.write(`${[resource.address, ...notes].join(" ")}\n`);
    }
  } catch (error) {
    await asExitError(error);
  }
}

/** `keyform state show ADDRESS`: the resource's attributes, the secret masked unless --show-sensitive. */
export async function stateShowCommand(address: string, flags: ReconcileFlags & { showSensitive?: boolean }): Promise<void> {
  try {
    const { file, state } = await readStateUnlocked(flags);
    const resource = state.resources.find((candidate) => candidate.address === address);
    if (!resource) throw new ExitError(`${address} is not in ${file} (see keyform state list)`);
    const attributes = resource.attributes;
    const secret = attributes?.secret_key ?? null;
    const shown = {
      address: resource.address,
      ...resource.config,
      id: attributes?.id ?? null,
      created_at: attributes?.created_at ?? null,
      masked_secret: attributes?.masked_secret ?? null,
      secret_key: secret === null ? null : flags.showSensitive ? secret : "<sensitive>",
      encrypted_secret_key: attributes?.encrypted_secret_key ?? null,
      secret_unknown: attributes?.secret_unknown ?? false,
      pending_create: resource.pending_create ? { started_at: resource.pending_create.started_at } : null,
      deposed: resource.deposed.map((deposed) => deposed.id),
    };
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    if (attributes?.secret_unknown) process.stderr.write(`Note: the secret of ${address} is unknown (imported key); secret_key is null.\n`);
  } catch (error) {
    await asExitError(error);
  }
}

/** `keyform state rm ADDRESS...`: forget resources without deleting their keys. */
export async function stateRmCommand(addresses: string[], flags: ReconcileFlags): Promise<void> {
  try {
    await withLockedState(flags, `state rm ${addresses.join(" ")}`, async (store) => {
      const known = new Set(store.current().resources.map((resource) => resource.address));
      const missing = addresses.filter((address) => !known.has(address));
      if (missing.length > 0) throw new ExitError(`not in ${store.file}: ${missing.join(", ")}; nothing was removed`);
      await store.update((draft) => {
        for (const address of addresses) draft.resources.delete(address);
      });
      for (const address of addresses) process.stdout.write(`Removed ${address} (its key still exists; keyform no longer manages it)\n`);
    });
  } catch (error) {
    await asExitError(error);
  }
}

/** `keyform force-unlock`: removes the state lock whoever holds it, saying whose it was. */
export async function forceUnlockCommand(flags: ReconcileFlags): Promise<void> {
  const { forceUnlock, describeOwner, isStale } = await import("../../reconcile/state/index.js");
  const file = await statePath(flags);
  const { removed, owner } = await forceUnlock(file);
  if (!removed) {
    process.stdout.write(`${file} is not locked.\n`);
    return;
  }
  const who = owner ? `${describeOwner(owner)}${isStale(owner) ? ", no longer running" : ", STILL RUNNING"}` : "unreadable owner";
  process.stdout.write(`Removed the lock of ${file} (${who}).\n`);
}
