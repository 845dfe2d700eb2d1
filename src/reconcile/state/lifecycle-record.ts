import type { DesiredState, StateFile, StateResource } from "../types.js";

/** True when state records lifecycle.prevent_destroy for the resource (absent: false). */
export function recordsPreventDestroy(resource: StateResource | undefined): boolean {
  return resource?.prevent_destroy === true;
}

/**
 * The resource with `prevent_destroy` recorded as `value`: the field is present only when
 * true, so states of unprotected keys look exactly as before keyform recorded it. Returns the
 * same object when nothing changes (the store then writes nothing for it).
 */
export function withPreventDestroy(resource: StateResource, value: boolean): StateResource {
  if (recordsPreventDestroy(resource) === value) return resource;
  if (value) return { ...resource, prevent_destroy: true };
  const { prevent_destroy: _dropped, ...rest } = resource;
  return rest;
}

/**
 * The tracked addresses `keyform destroy` must not delete, and where their protection comes
 * from. With a synthesized stack (`desired` not null) the configuration decides, as in
 * Terraform: addresses it declares with prevent_destroy. Without one, state's records (the
 * lifecycle as last applied) decide, so that destroy never ignores prevent_destroy. Pure.
 */
export function protectedForDestroy(desired: DesiredState | null, state: StateFile): { readonly addresses: string[]; readonly source: "configuration" | "state" } {
  if (desired === null) return { addresses: state.resources.filter((resource) => recordsPreventDestroy(resource)).map((resource) => resource.address), source: "state" };
  const tracked = new Set(state.resources.map((resource) => resource.address));
  return { addresses: desired.keys.filter((key) => key.lifecycle.prevent_destroy && tracked.has(key.address)).map((key) => key.address), source: "configuration" };
}
