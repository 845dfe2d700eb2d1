import type { Command } from "commander";
import { addApiCommand, resourceIdOf, withConnection } from "../connection.js";
import type { ConnectionFlags, OutputFormat } from "../connection.js";
import type { Connection } from "../../embedded/index.js";
import { ExitError } from "../exit-error.js";

interface AccountFlags extends ConnectionFlags {
  format: OutputFormat;
  id?: string;
  folderId?: string;
  name?: string;
  description?: string;
  labels?: string;
  filter?: string;
  idempotencyKey?: string;
}

const FIELD_FLAGS = {
  service_account_id: "--id",
  folder_id: "--folder-id",
  name: "--name",
  description: "--description",
  labels: "--labels",
  filter: "--filter",
} as const;

/**
 * `keyform service-account create|list|get|delete`, shaped like `yc iam service-account`.
 * The folder defaults to --folder-id, then KEYFORM_FOLDER_ID, then (embedded store only) the
 * demo folder.
 */
export function register(program: Command): void {
  const account = program.command("service-account").description("Manage service accounts (admin token required)");
  const command = (name: string, description: string) => addApiCommand(account, name, description);

  command("create", "Create a service account")
    .option("--name <name>", "name: lowercase letters, digits and dashes, starting with a letter")
    .option("--folder-id <id>", "folder to create it in (env KEYFORM_FOLDER_ID)")
    .option("--description <text>", "free text, at most 256 characters")
    .option("--labels <k=v,...>", "comma-separated labels")
    .option("--idempotency-key <key>", "makes a retried create safe")
    .action((flags: AccountFlags) => createAccount(flags));

  command("list", "List the service accounts of a folder (all pages)")
    .option("--folder-id <id>", "folder (env KEYFORM_FOLDER_ID)")
    .option("--filter <expression>", "server-side filter, e.g. name=\"demo-app\"")
    .action((flags: AccountFlags) => listAccounts(flags));

  command("get", "Show one service account")
    .argument("[id]", "service account id (or --id)")
    .option("--id <id>", "service account id")
    .action((id: string | undefined, flags: AccountFlags) => getAccount(resourceIdOf(id, flags.id, "service account"), flags));

  command("delete", "Delete a service account and all of its API keys")
    .argument("[id]", "service account id (or --id)")
    .option("--id <id>", "service account id")
    .option("--idempotency-key <key>", "makes a retried delete safe")
    .action((id: string | undefined, flags: AccountFlags) => deleteAccount(resourceIdOf(id, flags.id, "service account"), flags));
}

async function folderIdOf(flags: AccountFlags, connection: Connection): Promise<string> {
  const folderId = flags.folderId?.trim() || process.env.KEYFORM_FOLDER_ID?.trim();
  if (folderId) return folderId;
  if (connection.embedded) return (await import("../../embedded/index.js")).DEMO_FOLDER_ID;
  throw new ExitError("missing folder: give --folder-id or set KEYFORM_FOLDER_ID");
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",").map((item) => item.trim()).filter(Boolean)) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new ExitError(`--labels: "${pair}" is not key=value`);
    labels[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return labels;
}

async function createAccount(flags: AccountFlags): Promise<void> {
  const name = flags.name?.trim();
  const { LIMITS, validateDescription } = await import("../../resource/index.js");
  if (!name) throw new ExitError("--name is required");
  if (!LIMITS.serviceAccountNamePattern.test(name)) {
    throw new ExitError(`--name: "${name}" must be 1-63 lowercase letters, digits or dashes, start with a letter and not end with a dash`);
  }
  const problems = validateDescription(flags.description, "--description");
  if (problems.length > 0) throw new ExitError(problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"));
  const labels = flags.labels === undefined ? {} : parseLabels(flags.labels);
  const { renderMessage } = await import("../output-format.js");
  const { ServiceAccountSchema } = await import("../../gen/yandex/cloud/iam/v1/service_account_pb.js");
  await withConnection(flags, async (connection) => {
    const folderId = await folderIdOf(flags, connection);
    const created = await connection.client.createServiceAccount(
      { folderId, name, description: flags.description ?? "", labels },
      { idempotencyKey: flags.idempotencyKey },
    );
    process.stdout.write(renderMessage(ServiceAccountSchema, created, flags.format));
  }, FIELD_FLAGS);
}

async function listAccounts(flags: AccountFlags): Promise<void> {
  const { renderList, field } = await import("../output-format.js");
  const { ServiceAccountSchema } = await import("../../gen/yandex/cloud/iam/v1/service_account_pb.js");
  await withConnection(flags, async (connection) => {
    const folderId = await folderIdOf(flags, connection);
    const accounts = [];
    for await (const account of connection.client.listServiceAccounts(folderId, { filter: flags.filter })) accounts.push(account);
    const columns = [
      { header: "ID", cell: field("id") },
      { header: "NAME", cell: field("name") },
      { header: "DESCRIPTION", cell: field("description") },
      { header: "LABELS", cell: field("labels") },
      { header: "CREATED AT", cell: field("created_at") },
    ];
    process.stdout.write(renderList(ServiceAccountSchema, accounts, flags.format, columns));
  }, FIELD_FLAGS);
}

async function getAccount(id: string, flags: AccountFlags): Promise<void> {
  const { renderMessage } = await import("../output-format.js");
  const { ServiceAccountSchema } = await import("../../gen/yandex/cloud/iam/v1/service_account_pb.js");
  await withConnection(flags, async ({ client }) => {
    process.stdout.write(renderMessage(ServiceAccountSchema, await client.getServiceAccount(id), flags.format));
  }, FIELD_FLAGS);
}

async function deleteAccount(id: string, flags: AccountFlags): Promise<void> {
  await withConnection(flags, async ({ client }) => {
    await client.deleteServiceAccount(id, { idempotencyKey: flags.idempotencyKey });
    if (flags.format === "text") process.stdout.write(`service account ${id} deleted (with its API keys)\n`);
    else process.stdout.write((await import("../output-format.js")).renderStructured({ service_account_id: id, deleted: true }, flags.format));
  }, FIELD_FLAGS);
}
