import { createRegistry, toJson } from "@bufbuild/protobuf";
import type { DescMessage, JsonValue, MessageShape } from "@bufbuild/protobuf";
import { file_google_protobuf_empty } from "@bufbuild/protobuf/wkt";
import { stringify as yamlStringify } from "yaml";
import { file_yandex_cloud_iam_v1_api_key } from "../gen/yandex/cloud/iam/v1/api_key_pb.js";
import { file_yandex_cloud_iam_v1_api_key_service } from "../gen/yandex/cloud/iam/v1/api_key_service_pb.js";
import { file_yandex_cloud_iam_v1_service_account } from "../gen/yandex/cloud/iam/v1/service_account_pb.js";
import { file_yandex_cloud_iam_v1_service_account_service } from "../gen/yandex/cloud/iam/v1/service_account_service_pb.js";

import type { OutputFormat } from "./connection.js";

export { addFormatOption } from "./connection.js";
export type { OutputFormat };

/** Every message type an Operation's Any fields may hold, so that JSON shows them unpacked. */
const registry = createRegistry(
  file_yandex_cloud_iam_v1_api_key,
  file_yandex_cloud_iam_v1_api_key_service,
  file_yandex_cloud_iam_v1_service_account,
  file_yandex_cloud_iam_v1_service_account_service,
  file_google_protobuf_empty,
);

/**
 * A message as JSON the way `yc` prints it: proto field names (snake_case), timestamps in
 * RFC 3339, Any unpacked with its `@type`, enums by name, unset fields left out.
 */
export function messageJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return toJson(schema, message, { registry, useProtoFieldName: true });
}

/** Renders a JSON value as `json` (indented, trailing newline) or `yaml`. */
export function renderStructured(value: JsonValue, format: "json" | "yaml"): string {
  return format === "json" ? `${JSON.stringify(value, null, 2)}\n` : yamlStringify(value);
}

/** A column of a text table: header and how to get the cell from a JSON object. */
export interface Column {
  readonly header: string;
  readonly cell: (row: Record<string, JsonValue>) => string;
}

/** The value of `field` of a JSON object as a table cell: lists joined by commas, objects as `k=v`. */
export function field(name: string): (row: Record<string, JsonValue>) => string {
  return (row) => cellText(row[name]);
}

function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => cellText(item)).join(",");
  if (typeof value === "object") return Object.entries(value).map(([key, item]) => `${key}=${cellText(item)}`).join(",");
  return String(value);
}

/**
 * A boxed table like `yc ... list` prints:
 * ```
 * +----+------+
 * | ID | NAME |
 * +----+------+
 * | a  | b    |
 * +----+------+
 * ```
 * Headers are centred, cells left-aligned; widths count characters, not bytes.
 */
export function renderTable(columns: readonly Column[], rows: readonly Record<string, JsonValue>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row).replace(/\s+/g, " ")));
  const widths = columns.map((column, index) => Math.max([...column.header].length, ...cells.map((row) => [...(row[index] ?? "")].length)));
  const rule = `+${widths.map((width) => "-".repeat(width + 2)).join("+")}+`;
  const line = (values: string[], centre: boolean) =>
    `|${values
      .map((value, index) => {
        const width = widths[index] ?? 0;
        const padding = width - [...value].length;
        const left = centre ? Math.floor(padding / 2) : 0;
        return ` ${" ".repeat(left)}${value}${" ".repeat(padding - left)} `;
      })
      .join("|")}|`;
  return [rule, line(columns.map((column) => column.header), true), rule, ...cells.map((row) => line(row, false)), rule].join("\n") + "\n";
}

/**
 * Prints one message: text = the YAML view (what `yc ... get` prints), json, or yaml.
 */
export function renderMessage<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, format: OutputFormat): string {
  return renderStructured(messageJson(schema, message), format === "json" ? "json" : "yaml");
}

/**
 * Prints a list of messages: text = a table of `columns`, json = an array, yaml = a sequence.
 */
export function renderList<Desc extends DescMessage>(
  schema: Desc,
  messages: readonly MessageShape<Desc>[],
  format: OutputFormat,
  columns: readonly Column[],
): string {
  const values = messages.map((message) => messageJson(schema, message));
  if (format !== "text") return renderStructured(values, format);
  return renderTable(columns, values as Record<string, JsonValue>[]);
}
