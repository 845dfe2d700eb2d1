import { ApiError, Code } from "../api-error.js";
import type { Store } from "../store/index.js";
import { DEMO_FOLDER_ID, DEMO_SERVICE_ACCOUNTS } from "./demo-service-accounts.js";

/** Creates the demo service accounts (fixed ids) that do not exist yet in DEMO_FOLDER_ID. */
export async function ensureDemoServiceAccounts(store: Store, nowMs: number): Promise<void> {
  for (const demo of DEMO_SERVICE_ACCOUNTS) {
    if (await store.getServiceAccount(demo.id)) continue;
    try {
      await store.commit({
        mutation: {
          kind: "createServiceAccount",
          account: { id: demo.id, folderId: DEMO_FOLDER_ID, name: demo.name, description: demo.description, labels: {}, createdAtMs: nowMs, expiresAt: null },
        },
      });
    } catch (error) {
      // Someone created an account of that name in the demo folder: leave theirs alone.
      if (!(error instanceof ApiError && error.code === Code.ALREADY_EXISTS)) throw error;
    }
  }
}
