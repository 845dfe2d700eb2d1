import type { ApiKeyClient } from "../../client/types.js";

/**
 * Test hook for the crash tests: with `KEYFORM_CRASH_AFTER_RPC=<n>`, the process kills itself
 * with SIGKILL as soon as the n-th mutating call (Create, Update, Delete) has succeeded, before
 * its result is recorded: the window in which a key exists that state does not know yet.
 * Without the variable the client is returned unchanged.
 */
export function withCrashAfterRpcHook(client: ApiKeyClient, env: NodeJS.ProcessEnv = process.env): ApiKeyClient {
  const limit = Number(env.KEYFORM_CRASH_AFTER_RPC);
  if (!Number.isInteger(limit) || limit < 1) return client;
  let calls = 0;
  const counted = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await call(...args);
      if (++calls >= limit) process.kill(process.pid, "SIGKILL");
      return result;
    };
  return Object.assign(Object.create(client) as ApiKeyClient, {
    createApiKey: counted(client.createApiKey.bind(client)),
    updateApiKey: counted(client.updateApiKey.bind(client)),
    deleteApiKey: counted(client.deleteApiKey.bind(client)),
  });
}
