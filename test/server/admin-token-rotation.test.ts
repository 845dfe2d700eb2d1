import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { status } from "@grpc/grpc-js";
import { ADMIN_TOKEN_FILE } from "../../src/server/index.js";
import { failure, startHarness, type Harness } from "./harness.js";

/**
 * The accepted admin tokens are exactly the current `<data dir>/admin-token` plus the
 * configured ones: a deleted or replaced token file revokes the old token at the next start.
 */
const dataDir = mkdtempSync(join(tmpdir(), "keyform-admin-rotation-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const listAccounts = (harness: Harness, token: string) => harness.accounts.call("list", { folderId: "rotation" }, { bearer: token });

/** The status code of an admin-only call made with `token`. */
function codeWith(harness: Harness, token: string): Promise<number> {
  return listAccounts(harness, token).then(
    () => status.OK,
    (error: { code: number }) => error.code,
  );
}

describe("admin token rotation", () => {
  it("a deleted admin-token file revokes the old token after restart; the new one works", async () => {
    const first = await startHarness({ dataDir });
    const oldToken = first.server.adminToken;
    expect(readFileSync(join(dataDir, ADMIN_TOKEN_FILE), "utf8").trim()).toBe(oldToken);
    expect(await codeWith(first, oldToken)).toBe(status.OK);
    await first.close();

    unlinkSync(join(dataDir, ADMIN_TOKEN_FILE));
    const second = await startHarness({ dataDir });
    try {
      const newToken = second.server.adminToken;
      expect(newToken).not.toBe(oldToken);
      expect(readFileSync(join(dataDir, ADMIN_TOKEN_FILE), "utf8").trim()).toBe(newToken);
      expect(statSync(join(dataDir, ADMIN_TOKEN_FILE)).mode & 0o777).toBe(0o600);
      expect(await failure(listAccounts(second, oldToken))).toEqual({ code: status.UNAUTHENTICATED, details: "invalid bearer token" });
      expect(await codeWith(second, newToken)).toBe(status.OK);
    } finally {
      await second.close();
    }
  });

  it("a replaced admin-token file and a dropped configured token are both revoked after restart", async () => {
    const configured = "configured-admin-token-0123456789";
    const first = await startHarness({ dataDir, adminTokens: [configured] });
    const fileToken = first.server.adminToken;
    expect([await codeWith(first, fileToken), await codeWith(first, configured)]).toEqual([status.OK, status.OK]);
    await first.close();

    writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), "replacement-admin-token-0123456789\n", { mode: 0o600 });
    const second = await startHarness({ dataDir });
    try {
      expect([
        await codeWith(second, fileToken),
        await codeWith(second, configured),
        await codeWith(second, "replacement-admin-token-0123456789"),
      ]).toEqual([status.UNAUTHENTICATED, status.UNAUTHENTICATED, status.OK]);
    } finally {
      await second.close();
    }
  });
});
