export * from "./state-file.js";
export * from "./state-store.js";
export * from "./lock.js";
export { journalFileOf } from "./journal.js";
export * from "./lifecycle-record.js";
