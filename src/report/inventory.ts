import type { Resource, Stack } from "../model";
import { code, mdCell, mdTable } from "./md";
import { audienceWords, triggerWords, workflowChannels } from "./words";

/**
 * `mops inventory`: every workflow with what a marketing lead asks first —
 * why it exists, who enters it, what it sends, who owns it, when it last
 * changed. One row type, four renderings.
 */
export interface InventoryRow {
  workflow: string;
  address: string;
  purpose: string;
  trigger: string;
  audience: string;
  channels: string[];
  owner: string;
  status: string;
  tags: string[];
  /** The latest history version whose plan changed this workflow. */
  lastChangedVersion?: number;
  lastChangedAt?: string;
}

/** Address -> the version that last changed it on the platform, and when. */
export type LastChanges = ReadonlyMap<string, { version: number; time: string }>;

export function inventory(stack: Stack, last: LastChanges = new Map()): InventoryRow[] {
  return stack.resources
    .filter((r): r is Resource<"workflow"> => r.kind === "workflow")
    .map((w) => {
      const address = `workflow.${w.name}`;
      const s = w.spec;
      const changed = last.get(address);
      return {
        workflow: w.name,
        address,
        purpose: s.purpose ?? s.description ?? "",
        trigger: triggerWords(s.trigger),
        audience: audienceWords(s),
        channels: workflowChannels(s),
        owner: s.owner ?? "",
        status: s.status,
        tags: s.tags ?? [],
        ...(changed ? { lastChangedVersion: changed.version, lastChangedAt: changed.time } : {}),
      };
    })
    .sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0));
}

const lastChanged = (r: InventoryRow): string =>
  r.lastChangedVersion === undefined ? "" : `v${r.lastChangedVersion} (${(r.lastChangedAt ?? "").slice(0, 10)})`;

type Column = [title: string, value: (r: InventoryRow) => string];
const COLUMNS: Column[] = [
  ["Workflow", (r) => r.workflow],
  ["Status", (r) => r.status],
  ["Owner", (r) => r.owner],
  ["Channels", (r) => r.channels.join(", ")],
  ["Trigger", (r) => r.trigger],
  ["Audience", (r) => r.audience],
  ["Last changed", lastChanged],
  ["Tags", (r) => r.tags.join(", ")],
  ["Purpose", (r) => r.purpose],
];

const TEXT_WIDTH = 48;

/** A terminal table; long cells are cut (the other formats keep them whole). */
export function inventoryText(rows: readonly InventoryRow[]): string {
  if (!rows.length) return "No workflows declared.\n";
  const cut = (s: string) => {
    const one = s.replace(/\s+/g, " ");
    return [...one].length > TEXT_WIDTH ? `${[...one].slice(0, TEXT_WIDTH - 1).join("")}…` : one;
  };
  const cols = COLUMNS.filter(([t]) => t !== "Tags");
  const table = [cols.map(([t]) => t.toUpperCase()), ...rows.map((r) => cols.map(([, f]) => cut(f(r))))];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => [...row[i]].length)));
  const pad = (s: string, w: number) => s + " ".repeat(w - [...s].length);
  return `${table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : pad(c, widths[i]))).join("  ").trimEnd()).join("\n")}\n`;
}

export function inventoryMarkdown(rows: readonly InventoryRow[]): string {
  if (!rows.length) return "_No workflows declared._\n";
  return `${mdTable(COLUMNS.map(([t]) => t), rows.map((r) => COLUMNS.map(([t, f]) => (t === "Workflow" ? code(f(r)) : mdCell(f(r))))))}\n`;
}

/** RFC 4180: CRLF line ends; fields with a comma, quote or line break quoted, quotes doubled. */
export function inventoryCsv(rows: readonly InventoryRow[]): string {
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ["workflow", "address", "status", "owner", "channels", "trigger", "audience", "last_changed_version", "last_changed_at", "tags", "purpose"];
  const lines = rows.map((r) =>
    [
      r.workflow, r.address, r.status, r.owner, r.channels.join(";"), r.trigger, r.audience,
      r.lastChangedVersion === undefined ? "" : String(r.lastChangedVersion), r.lastChangedAt ?? "", r.tags.join(";"), r.purpose,
    ].map(field).join(","),
  );
  return [header.join(","), ...lines].map((l) => `${l}\r\n`).join("");
}

export const inventoryJson = (rows: readonly InventoryRow[]): string => `${JSON.stringify(rows, null, 2)}\n`;
