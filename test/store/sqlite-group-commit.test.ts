import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createGroupCommitter, MAX_GROUP_SIZE } from "../../src/store/sqlite-group-commit.js";

/**
 * The group committer on a real SQLite file, with a second connection as the observer: it
 * sees only what was committed, so it tells whether writes share one transaction and whether
 * a settled promise's write is really stored.
 */
const dirs: string[] = [];
const handles: Database.Database[] = [];
afterEach(() => {
  for (const handle of handles.splice(0)) handle.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openPair(schema: string): { db: Database.Database; observer: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), "keyform-group-commit-"));
  dirs.push(dir);
  const db = new Database(join(dir, "test.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.exec(schema);
  const observer = new Database(join(dir, "test.db"), { readonly: true });
  handles.push(observer, db);
  return { db, observer };
}

interface Write {
  readonly id: number;
  readonly size?: number;
  readonly parent?: number;
}

const codeOf = (error: unknown) => `mapped:${String((error as { code?: unknown }).code ?? (error as Error).message)}`;

function settle<T>(promises: Promise<T>[]): Promise<(T | string)[]> {
  return Promise.all(promises.map((promise) => promise.then((value) => value, (error: unknown) => String(error))));
}

describe("group commit", () => {
  it(`runs writes of one tick in groups of at most ${MAX_GROUP_SIZE}, each acknowledged only once committed`, async () => {
    const { db, observer } = openPair("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    const countCommitted = () => (observer.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
    const insert = db.prepare("INSERT INTO t (id) VALUES (?)");
    const committedBefore: number[] = [];
    const committer = createGroupCommitter<Write, number>(
      db,
      (write) => {
        committedBefore.push(countCommitted());
        insert.run(write.id);
        return write.id;
      },
      codeOf,
    );
    const total = 2 * MAX_GROUP_SIZE + 22;
    const visibleAtAck: number[] = [];
    const results = await Promise.all(
      Array.from({ length: total }, (_, id) =>
        committer.submit({ id }).then((value) => {
          visibleAtAck.push(observer.prepare("SELECT id FROM t WHERE id = ?").get(value) === undefined ? -1 : value);
          return value;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: total }, (_, id) => id));
    // Write i sees exactly the groups before its own: 0 for the first 64, 64 for the next 64, ...
    expect(committedBefore).toEqual(Array.from({ length: total }, (_, id) => Math.floor(id / MAX_GROUP_SIZE) * MAX_GROUP_SIZE));
    expect(visibleAtAck).toEqual(results);
  });

  it("rolls back only the failing write's savepoint; the others of its group commit", async () => {
    const { db, observer } = openPair("CREATE TABLE t (id INTEGER PRIMARY KEY, unique_value INTEGER UNIQUE)");
    const insert = db.prepare("INSERT INTO t (id, unique_value) VALUES (?, ?)");
    const committer = createGroupCommitter<Write, number>(
      db,
      (write) => {
        insert.run(write.id, write.id);
        // The second row of a write repeats the first's unique_value when `size` says so.
        insert.run(write.id + 1000, write.size ?? write.id + 1000);
        return write.id;
      },
      codeOf,
    );
    // Write 2's second insert fails after its first succeeded: both of its rows must go.
    const writes: Write[] = [{ id: 1 }, { id: 2, size: 2 }, { id: 3 }];
    const results = await settle(writes.map((write) => committer.submit(write)));
    expect(results).toEqual([1, "mapped:SQLITE_CONSTRAINT_UNIQUE", 3]);
    expect(observer.prepare("SELECT id FROM t ORDER BY id").all()).toEqual([{ id: 1 }, { id: 3 }, { id: 1001 }, { id: 1003 }]);
  });

  it("rejects every write of the group with the COMMIT error and stores none of them", async () => {
    const { db, observer } = openPair(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
      INSERT INTO parent (id) VALUES (1);
    `);
    const insert = db.prepare("INSERT INTO child (id, parent) VALUES (?, ?)");
    const committer = createGroupCommitter<Write, number>(db, (write) => insert.run(write.id, write.parent).changes, codeOf);
    // The dangling reference of write 2 is only checked at COMMIT (deferred foreign key).
    const results = await settle([committer.submit({ id: 1, parent: 1 }), committer.submit({ id: 2, parent: 99 }), committer.submit({ id: 3, parent: 1 })]);
    expect(results).toEqual(["mapped:SQLITE_CONSTRAINT_FOREIGNKEY", "mapped:SQLITE_CONSTRAINT_FOREIGNKEY", "mapped:SQLITE_CONSTRAINT_FOREIGNKEY"]);
    expect(observer.prepare("SELECT id FROM child").all()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The next group starts clean.
    expect(await committer.submit({ id: 4, parent: 1 })).toBe(1);
    expect(observer.prepare("SELECT id FROM child").all()).toEqual([{ id: 4 }]);
  });

  it("re-runs the writes a whole-transaction rollback (SQLITE_FULL) took along, and fails only the write that hit it", async () => {
    const { db, observer } = openPair("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
    const insert = db.prepare("INSERT INTO t (id, payload) VALUES (?, ?)");
    // Room for the small rows but not for the 200 KB one: SQLite answers SQLITE_FULL and
    // rolls back the whole transaction, not just the statement.
    db.pragma(`max_page_count = ${(db.pragma("page_count", { simple: true }) as number) + 8}`);
    const applied: number[] = [];
    const committer = createGroupCommitter<Write, number>(
      db,
      (write) => {
        applied.push(write.id);
        insert.run(write.id, Buffer.alloc(write.size ?? 10));
        return write.id;
      },
      codeOf,
    );
    const results = await settle([committer.submit({ id: 1 }), committer.submit({ id: 2 }), committer.submit({ id: 3, size: 200_000 }), committer.submit({ id: 4 })]);
    expect(results).toEqual([1, 2, "mapped:SQLITE_FULL", 4]);
    expect(applied).toEqual([1, 2, 3, 1, 2, 4]);
    expect(observer.prepare("SELECT id FROM t ORDER BY id").all()).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
  });

  it("flush() runs queued writes at once, so they are stored before the database closes", async () => {
    const { db, observer } = openPair("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    const insert = db.prepare("INSERT INTO t (id) VALUES (?)");
    const committer = createGroupCommitter<Write, number>(db, (write) => insert.run(write.id).changes, codeOf);
    const pending = [committer.submit({ id: 1 }), committer.submit({ id: 2 })];
    committer.flush();
    expect(observer.prepare("SELECT id FROM t ORDER BY id").all()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await Promise.all(pending)).toEqual([1, 1]);
  });
});
