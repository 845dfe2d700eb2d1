export * from "./applier.js";
export * from "./recover.js";
export * from "./progress.js";
export * from "./key-requests.js";
export * from "./pool.js";
export * from "./crash-hook.js";
