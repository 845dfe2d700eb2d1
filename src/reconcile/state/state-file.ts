import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, readFile, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { PROVIDER_VERSION } from "../../resource/index.js";
import type { StateFile } from "../types.js";
import { packageRoot } from "./package-root.js";
import { applyJournal, journalFileOf, readJournal } from "./journal.js";
import type { JournalEntry } from "./journal.js";

/** The state format this build reads and writes. A file with a higher version is refused. */
export const STATE_VERSION = 1;
/** Default state file name, in the project directory. */
export const DEFAULT_STATE_FILE = "keyform.state.json";

/** A state file that cannot be used; the message names the file and what is wrong. */
export class StateFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`state file ${file}: ${message}`);
    this.name = "StateFileError";
    this.file = file;
  }
}

/** A fresh, empty state with a new random lineage (serial 0: nothing written yet). */
export function newState(): StateFile {
  return { version: STATE_VERSION, serial: 0, lineage: randomUUID(), keyform_version: PROVIDER_VERSION, resources: [], outputs: {} };
}

let validator: ValidateFunction | undefined;
function stateValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.join(packageRoot(), "schemas", "state.schema.json"), "utf8")) as object;
    validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

/**
 * Checks parsed JSON against schemas/state.schema.json. Throws StateFileError naming `file`,
 * the version problem (newer than this build), or every schema violation with its JSON path.
 */
export function parseState(file: string, text: string): StateFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, `is not valid JSON (${(error as Error).message}); nothing was changed`);
  }
  const version = (document as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > STATE_VERSION) {
    throw new StateFileError(
      file,
      `has format version ${version}, newer than this keyform (reads version ${STATE_VERSION}); upgrade keyform. Nothing was changed`,
    );
  }
  const validate = stateValidator();
  if (!validate(document)) {
    const problems = (validate.errors ?? []).map((problem) => `${problem.instancePath || "/"} ${problem.message ?? "is invalid"}`);
    throw new StateFileError(file, `does not match the state schema: ${[...new Set(problems)].join("; ")}. Nothing was changed`);
  }
  return document as StateFile;
}

/**
 * Reads and validates the state: the snapshot file plus the entries of `<file>.journal` newer
 * than it (see journal.ts). Returns null when neither exists (no state yet). Throws
 * StateFileError for an unreadable, invalid or newer-version file, or a journal that does not
 * continue the snapshot.
 */
export async function readStateFile(file: string): Promise<StateFile | null> {
  // A reader without the lock can race a compaction (old file, then the journal that follows
  // the new file): such a gap is retried; a gap that stays is a broken journal.
  for (let attempt = 1; ; attempt++) {
    try {
      return await readStateOnce(file);
    } catch (error) {
      if (!(error instanceof StateFileError && error.message.includes("journal jumps") && attempt < 3)) throw error;
    }
  }
}

async function readStateOnce(file: string): Promise<StateFile | null> {
  let text: string | null = null;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new StateFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const journalFile = journalFileOf(file);
  let entries: JournalEntry[] | null;
  try {
    entries = await readJournal(journalFile);
  } catch (error) {
    throw new StateFileError(file, `its journal cannot be used: ${(error as Error).message}; nothing was changed`);
  }
  if (text === null) {
    if (entries === null) return null;
    throw new StateFileError(file, `does not exist but its journal ${journalFile} does; if the state was deleted on purpose, delete the journal too`);
  }
  const base = parseState(file, text);
  if (entries === null || entries.length === 0) return base;
  let merged: StateFile;
  try {
    merged = applyJournal(base, entries);
  } catch (error) {
    throw new StateFileError(file, `its journal ${journalFile} does not continue it: ${(error as Error).message}; nothing was changed`);
  }
  return merged === base ? base : validated(file, merged);
}

function validated(file: string, state: StateFile): StateFile {
  const validate = stateValidator();
  if (!validate(state)) {
    const problems = (validate.errors ?? []).map((problem) => `${problem.instancePath || "/"} ${problem.message ?? "is invalid"}`);
    throw new StateFileError(file, `with its journal does not match the state schema: ${[...new Set(problems)].join("; ")}. Nothing was changed`);
  }
  return state;
}

/**
 * Removes temp files a killed writer left next to `file` (`.<name>.<pid>.<random>.tmp`; they
 * may hold secrets). Call only while holding the state lock: then no other writer is active.
 */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const directory = path.dirname(path.resolve(file));
  const prefix = `.${path.basename(file)}.`;
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(
    names.filter((name) => name.startsWith(prefix) && name.endsWith(".tmp")).map((name) => rm(path.join(directory, name), { force: true })),
  );
}

/** Reads the state, or a new empty one when the file does not exist. */
export async function readStateOrNew(file: string): Promise<StateFile> {
  return (await readStateFile(file)) ?? newState();
}

// Serialized resources by identity: the store replaces a resource object whenever it changes,
// so an unchanged resource is never serialized twice (a write costs O(changed), not O(all)).
const serializedResources = new WeakMap<object, string>();

/**
 * The file's text: pretty JSON with one line per resource and per output, so that large
 * states stay cheap to write and diffs stay readable.
 */
export function serializeState(state: StateFile): string {
  const line = (value: object) => {
    let text = serializedResources.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      serializedResources.set(value, text);
    }
    return text;
  };
  const header = [
    `  "version": ${JSON.stringify(state.version)}`,
    `  "serial": ${JSON.stringify(state.serial)}`,
    `  "lineage": ${JSON.stringify(state.lineage)}`,
    `  "keyform_version": ${JSON.stringify(state.keyform_version)}`,
  ];
  const resources = state.resources.length === 0 ? "[]" : `[\n    ${state.resources.map(line).join(",\n    ")}\n  ]`;
  const outputNames = Object.keys(state.outputs);
  const outputs =
    outputNames.length === 0 ? "{}" : `{\n    ${outputNames.map((name) => `${JSON.stringify(name)}: ${JSON.stringify(state.outputs[name])}`).join(",\n    ")}\n  }`;
  return `{\n${[...header, `  "resources": ${resources}`, `  "outputs": ${outputs}`].join(",\n")}\n}\n`;
}

/**
 * Writes `state` durably and atomically: a temp file in the same directory (mode 0600),
 * fsync, rename over `file`, fsync of the directory. A crash at any point leaves either the
 * old or the new file, never a torn one. Returns the bytes written.
 */
export async function writeStateFileDurably(file: string, state: StateFile): Promise<number> {
  const directory = path.dirname(path.resolve(file));
  const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const text = serializeState(state);
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  const directoryHandle = await open(directory, "r");
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
  return Buffer.byteLength(text);
}
