export { findStack, StackSelectionError } from "./find-stack.js";
export { loadDesiredState, desiredStateFromJson } from "./load-desired-state.js";
export { DesiredStateError, formatProblem, USE_CDKTF_DEPLOY } from "./load-error.js";
export type { LoadProblem } from "./load-error.js";
export { runSynth, SynthError } from "./run-synth.js";
export { satisfiesTerraformConstraint } from "./version-constraint.js";
