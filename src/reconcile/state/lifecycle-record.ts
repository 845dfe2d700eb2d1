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

/** Where a key's prevent_destroy protection comes from. */
export type PreventDestroySource = "configuration" | "state";

/**
 * Where the prevent_destroy protection of the tracked `address` comes from, or null when it has
 * none. A declaration (`declared`: prevent_destroy by declared address) decides, as in
 * Terraform. For an address nothing declares, state's record (`recorded`, the lifecycle as
 * last applied) decides only when `fromState` (there is no configuration to ask: destroy with
 * no synthesized stack), so that destroy never ignores prevent_destroy; otherwise removing a
 * resource from the configuration removed its protection. Pure; the one rule of both the
 * planner's refusal and `keyform destroy`'s check.
 */
export function preventDestroySource(
  address: string,
  declared: ReadonlyMap<string, boolean>,
  recorded: StateResource | undefined,
  fromState: boolean,
): PreventDestroySource | null {
  const configured = declared.get(address);
  if (configured !== undefined) return configured ? "configuration" : null;
  return fromState && recordsPreventDestroy(recorded) ? "state" : null;
}

/** prevent_destroy by declared address. */
export function declaredPreventDestroy(desired: DesiredState | null): ReadonlyMap<string, boolean> {
  return new Map((desired?.keys ?? []).map((key) => [key.address, key.lifecycle.prevent_destroy]));
}

/**
 * The tracked addresses `keyform destroy` must not delete, and where their protection comes
 * from: the configuration when a stack is synthesized (`desired` not null), else state's
 * records (see preventDestroySource). Pure.
 */
export function protectedForDestroy(desired: DesiredState | null, state: StateFile): { readonly addresses: string[]; readonly source: PreventDestroySource } {
  const declared = declaredPreventDestroy(desired);
  const addresses = state.resources.filter((resource) => preventDestroySource(resource.address, declared, resource, desired === null) !== null).map((resource) => resource.address);
  return { addresses, source: desired === null ? "state" : "configuration" };
}
