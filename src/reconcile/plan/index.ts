export { planChanges } from "./plan-changes.js";
export type { PlanInput } from "./plan-changes.js";
export { unmanagedAddress, PENDING_CREATE_CLOCK_SKEW_MS } from "./plan-untracked.js";
export { sameValue, sameInstant } from "./compare.js";
export { isRotationDue } from "./plan-key.js";
