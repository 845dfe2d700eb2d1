import type { Command } from "commander";
import { addApiCommand, resourceIdOf, withConnection } from "../connection.js";
import type { ConnectionFlags, OutputFormat } from "../connection.js";
import { ExitError } from "../exit-error.js";

interface KeyFlags extends ConnectionFlags {
  format: OutputFormat;
  id?: string;
  serviceAccountId?: string;
  description?: string;
  scopes?: string;
  expiresAt?: string;
  updateMask?: string;
  idempotencyKey?: string;
}

/** Request fields and the flags that set them, so that server-side INVALID_ARGUMENTs name the flag. */
const FIELD_FLAGS = {
  api_key_id: "--id",
  service_account_id: "--service-account-id",
  description: "--description",
  scopes: "--scopes",
  expires_at: "--expires-at",
  update_mask: "--update-mask",
} as const;

/**
 * `keyform api-key list|get|create|update|delete|list-operations`, shaped like `yc iam api-key`.
 * Heavy modules (gRPC, protobuf, the embedded server) load inside the actions.
 */
export function register(program: Command): void {
  const apiKey = program.command("api-key").description("Manage API keys of service accounts");
  const command = (name: string, description: string) => addApiCommand(apiKey, name, description);

  command("list", "List the API keys of a service account (all pages)")
    .option("--service-account-id <id>", "service account whose keys to list (default: the caller's own, with an API key credential)")
    .action((flags: KeyFlags) => listKeys(flags));

  command("get", "Show one API key (never its secret)")
    .argument("[id]", "API key id (or --id)")
    .option("--id <id>", "API key id")
    .action((id: string | undefined, flags: KeyFlags) => getKey(resourceIdOf(id, flags.id, "API key"), flags));

  command("create", "Create an API key and print its secret (shown only this once)")
    .option("--service-account-id <id>", "owner of the key (default: the caller's own, with an API key credential)")
    .option("--description <text>", "free text, at most 256 characters")
    .option("--scopes <a,b>", "comma-separated scopes")
    .option("--expires-at <time>", "expiry, RFC 3339, e.g. 2030-01-01T00:00:00Z")
    .option("--idempotency-key <key>", "makes a retried create return the same key and secret")
    .action((flags: KeyFlags) => createKey(flags));

  command("update", "Change description, scopes or expiry in place")
    .argument("[id]", "API key id (or --id)")
    .option("--id <id>", "API key id")
    .option("--description <text>", "new description")
    .option("--scopes <a,b>", "new comma-separated scopes (1-100)")
    .option("--expires-at <time>", "new expiry, RFC 3339")
    .option("--update-mask <paths>", "comma-separated paths to change (description,scopes,expires_at); default: the flags given. A path without its flag clears the field")
    .option("--idempotency-key <key>", "makes a retried update safe")
    .action((id: string | undefined, flags: KeyFlags) => updateKey(resourceIdOf(id, flags.id, "API key"), flags));

  command("delete", "Delete an API key")
    .argument("[id]", "API key id (or --id)")
    .option("--id <id>", "API key id")
    .option("--idempotency-key <key>", "makes a retried delete safe")
    .action((id: string | undefined, flags: KeyFlags) => deleteKey(resourceIdOf(id, flags.id, "API key"), flags));

  command("list-operations", "List the operations (updates, deletion) of an API key")
    .argument("[id]", "API key id (or --id)")
    .option("--id <id>", "API key id")
    .action((id: string | undefined, flags: KeyFlags) => listOperations(resourceIdOf(id, flags.id, "API key"), flags));
}

const keyColumns = async () => {
  const { field } = await import("../output-format.js");
  return [
    { header: "ID", cell: field("id") },
    { header: "SERVICE ACCOUNT ID", cell: field("service_account_id") },
    { header: "DESCRIPTION", cell: field("description") },
    { header: "SCOPES", cell: field("scopes") },
    { header: "CREATED AT", cell: field("created_at") },
    { header: "EXPIRES AT", cell: field("expires_at") },
    { header: "MASKED SECRET", cell: field("masked_secret") },
  ];
};

async function listKeys(flags: KeyFlags): Promise<void> {
  const { renderList } = await import("../output-format.js");
  const { ApiKeySchema } = await import("../../gen/yandex/cloud/iam/v1/api_key_pb.js");
  await withConnection(
    flags,
    async ({ client }) => {
      const keys = [];
      for await (const key of client.listApiKeys(flags.serviceAccountId?.trim() ?? "")) keys.push(key);
      process.stdout.write(renderList(ApiKeySchema, keys, flags.format, await keyColumns()));
    },
    FIELD_FLAGS,
  );
}

async function getKey(id: string, flags: KeyFlags): Promise<void> {
  const { renderMessage } = await import("../output-format.js");
  const { ApiKeySchema } = await import("../../gen/yandex/cloud/iam/v1/api_key_pb.js");
  await withConnection(flags, async ({ client }) => {
    process.stdout.write(renderMessage(ApiKeySchema, await client.getApiKey(id), flags.format));
  }, FIELD_FLAGS);
}

async function createKey(flags: KeyFlags): Promise<void> {
  const { validateDescription } = await import("../../resource/index.js");
  throwProblems(validateDescription(flags.description, "--description"));
  const scopes = flags.scopes === undefined ? [] : await parseScopes(flags.scopes);
  const expiresAt = flags.expiresAt === undefined ? undefined : await parseExpiresAt(flags.expiresAt);
  const { renderMessage } = await import("../output-format.js");
  const { CreateApiKeyResponseSchema } = await import("../../gen/yandex/cloud/iam/v1/api_key_service_pb.js");
  await withConnection(flags, async ({ client }) => {
    const response = await client.createApiKey(
      { serviceAccountId: flags.serviceAccountId?.trim() ?? "", description: flags.description ?? "", scopes, expiresAt },
      { idempotencyKey: flags.idempotencyKey },
    );
    // The secret is the point of this command: print it once, and say that it cannot be shown again.
    process.stdout.write(renderMessage(CreateApiKeyResponseSchema, response, flags.format));
    process.stderr.write("Store the secret now: it is shown only once and cannot be retrieved later.\n");
  }, FIELD_FLAGS);
}

async function updateKey(id: string, flags: KeyFlags): Promise<void> {
  const { validateDescription, apiKeyResource } = await import("../../resource/index.js");
  const allowed = apiKeyResource.attributes.flatMap((attribute) => (attribute.updateMaskPath ? [attribute.updateMaskPath] : []));
  const given = { description: flags.description !== undefined, scopes: flags.scopes !== undefined, expires_at: flags.expiresAt !== undefined };
  let paths: string[];
  if (flags.updateMask !== undefined) {
    paths = flags.updateMask.split(",").map((path) => path.trim()).filter(Boolean);
    const unknown = paths.filter((path) => !allowed.includes(path as never));
    if (unknown.length > 0 || paths.length === 0) {
      throw new ExitError(`--update-mask: ${unknown.length > 0 ? `unknown path(s) ${unknown.join(", ")}` : "is empty"}; allowed: ${allowed.join(", ")}`);
    }
    const ignored = Object.entries(given).filter(([path, isGiven]) => isGiven && !paths.includes(path));
    if (ignored.length > 0) {
      throw new ExitError(`--update-mask leaves out ${ignored.map(([path]) => path).join(", ")}, which a flag sets; add it to the mask or drop the flag`);
    }
  } else {
    paths = allowed.filter((path) => given[path]);
    if (paths.length === 0) throw new ExitError("nothing to update: give --description, --scopes or --expires-at (or --update-mask)");
  }
  throwProblems(validateDescription(flags.description, "--description"));
  const scopes = flags.scopes === undefined ? [] : await parseScopes(flags.scopes);
  const expiresAt = flags.expiresAt === undefined ? undefined : await parseExpiresAt(flags.expiresAt);
  const { renderMessage } = await import("../output-format.js");
  const { ApiKeySchema } = await import("../../gen/yandex/cloud/iam/v1/api_key_pb.js");
  await withConnection(flags, async ({ client }) => {
    const updated = await client.updateApiKey(
      { apiKeyId: id, updateMask: { paths }, description: flags.description ?? "", scopes, expiresAt },
      { idempotencyKey: flags.idempotencyKey },
    );
    process.stdout.write(renderMessage(ApiKeySchema, updated, flags.format));
  }, FIELD_FLAGS);
}

async function deleteKey(id: string, flags: KeyFlags): Promise<void> {
  await withConnection(flags, async ({ client }) => {
    await client.deleteApiKey(id, { idempotencyKey: flags.idempotencyKey });
    const message = { api_key_id: id, deleted: true };
    if (flags.format === "text") process.stdout.write(`API key ${id} deleted\n`);
    else process.stdout.write((await import("../output-format.js")).renderStructured(message, flags.format));
  }, FIELD_FLAGS);
}

async function listOperations(id: string, flags: KeyFlags): Promise<void> {
  const { renderList, field } = await import("../output-format.js");
  const { OperationSchema } = await import("../../gen/yandex/cloud/operation/operation_pb.js");
  await withConnection(flags, async ({ client }) => {
    const operations = [];
    for await (const operation of client.listApiKeyOperations(id)) operations.push(operation);
    const columns = [
      { header: "ID", cell: field("id") },
      { header: "DESCRIPTION", cell: field("description") },
      { header: "CREATED AT", cell: field("created_at") },
      { header: "DONE", cell: (row: Record<string, unknown>) => (row.done === true ? "true" : "false") },
      { header: "RESULT", cell: (row: Record<string, unknown>) => (row.error ? `error: ${JSON.stringify(row.error)}` : row.done === true ? "ok" : "running") },
    ];
    process.stdout.write(renderList(OperationSchema, operations, flags.format, columns));
  }, FIELD_FLAGS);
}

async function parseScopes(text: string): Promise<string[]> {
  const { validateScopes } = await import("../../resource/index.js");
  const scopes = text.split(",").map((scope) => scope.trim()).filter(Boolean);
  throwProblems(validateScopes(scopes, "--scopes"));
  return scopes;
}

async function parseExpiresAt(text: string): Promise<{ seconds: bigint; nanos: number }> {
  const { validateExpiresAt, parseRfc3339 } = await import("../../resource/index.js");
  throwProblems(validateExpiresAt(text, "--expires-at"));
  const parsed = parseRfc3339(text);
  if (!parsed) throw new ExitError(`--expires-at: "${text}" is not an RFC 3339 timestamp`);
  return { seconds: BigInt(Math.floor(parsed.ms / 1000)), nanos: parsed.nanos };
}

function throwProblems(problems: readonly { path: string; message: string }[]): void {
  if (problems.length > 0) throw new ExitError(problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"));
}
