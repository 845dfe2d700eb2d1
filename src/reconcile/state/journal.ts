import { open, readFile, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import type { StateFile, StateResource } from "../types.js";

/**
 * The state journal `<state>.journal`: one JSON line per durable write between two full
 * snapshots, so that a write costs O(what changed) instead of O(whole state). Readers apply
 * the entries newer than the snapshot's serial; the store folds the journal back into the
 * snapshot (compaction) when it grows and before it releases the lock.
 */
export interface JournalEntry {
  readonly lineage: string;
  readonly serial: number;
  /** Resources added or replaced by this write. */
  readonly set: readonly StateResource[];
  /** Addresses removed by this write. */
  readonly delete: readonly string[];
  /** All outputs, when they changed in this write. */
  readonly outputs?: StateFile["outputs"];
}

export function journalFileOf(stateFile: string): string {
  return `${stateFile}.journal`;
}

/**
 * Reads the journal's entries; [] when it does not exist. A last line without its newline is
 * a write that was cut short (never acknowledged) and is ignored. Throws an Error describing a
 * malformed line otherwise (the caller names the file).
 */
export async function readJournal(journalFile: string): Promise<JournalEntry[] | null> {
  let text: string;
  try {
    text = await readFile(journalFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const lines = text.split("\n");
  const complete = lines.slice(0, -1); // the part after the last newline is empty or torn
  return complete.map((line, index) => {
    try {
      return JSON.parse(line) as JournalEntry;
    } catch {
      throw new Error(`line ${index + 1} of ${journalFile} is not valid JSON`);
    }
  });
}

/**
 * Applies the entries newer than `base.serial`, which must continue it without a gap and
 * carry its lineage. Throws an Error saying what does not fit.
 */
export function applyJournal(base: StateFile, entries: readonly JournalEntry[]): StateFile {
  const newer = entries.filter((entry) => entry.serial > base.serial);
  if (newer.length === 0) return base;
  const resources = new Map(base.resources.map((resource) => [resource.address, resource]));
  let outputs = base.outputs;
  let serial = base.serial;
  for (const entry of newer) {
    if (entry.lineage !== base.lineage) throw new Error(`journal entry ${entry.serial} belongs to lineage ${entry.lineage}, not ${base.lineage}`);
    if (entry.serial !== serial + 1) throw new Error(`journal jumps from serial ${serial} to ${entry.serial}`);
    if (!Array.isArray(entry.set) || !Array.isArray(entry.delete)) throw new Error(`journal entry ${entry.serial} lacks set/delete lists`);
    for (const address of entry.delete) resources.delete(address);
    for (const resource of entry.set) resources.set(resource.address, resource);
    if (entry.outputs !== undefined) outputs = entry.outputs;
    serial = entry.serial;
  }
  const sorted = [...resources.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { ...base, serial, resources: sorted, outputs };
}

/**
 * Cuts the file back to just after its last newline (readers ignore a line without one, and
 * an append must not continue it); returns the size kept.
 */
async function truncateTornTail(handle: FileHandle): Promise<number> {
  const size = (await handle.stat()).size;
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      const kept = start + newline + 1;
      if (kept < size) await handle.truncate(kept);
      return kept;
    }
    end = start;
  }
  if (size > 0) await handle.truncate(0);
  return 0;
}

/** Appends entries durably (write + fdatasync); the journal is created with mode 0600. */
export class JournalWriter {
  private handle: FileHandle | null = null;
  /** Bytes appended since the journal was (re)started. */
  bytes = 0;

  constructor(readonly journalFile: string) {}

  async append(entry: JournalEntry): Promise<void> {
    if (!this.handle) {
      this.handle = await open(this.journalFile, "a+", 0o600);
      // A torn last line (a write cut short by a kill) would swallow this entry's start.
      this.bytes = await truncateTornTail(this.handle);
      // The new directory entry must be durable too.
      const directory = await open(path.dirname(path.resolve(this.journalFile)), "r");
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    }
    const line = `${JSON.stringify(entry)}\n`;
    try {
      await this.handle.write(line);
      await this.handle.datasync();
    } catch (error) {
      // The line may be on disk in part: the next append reopens and cuts it off first.
      await this.handle.close().catch(() => undefined);
      this.handle = null;
      throw error;
    }
    this.bytes += Buffer.byteLength(line);
  }

  /** Closes and deletes the journal (after its content went into a durable snapshot). */
  async remove(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    this.bytes = 0;
    await rm(this.journalFile, { force: true });
  }
}
