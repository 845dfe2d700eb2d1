export * from "./types.js";
export { openSqliteStore, DATABASE_FILE } from "./sqlite.js";
