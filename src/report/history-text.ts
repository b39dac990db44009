import pc from "picocolors";
import { address, maskSensitive, type Resource } from "../model";
import type { ChangeRecord } from "../model";
import type { HistoryVersion, VersionSummary } from "../state/types";
import { summaryLine, type TextOptions } from "./plan-text";
import { reasonsLine } from "./reasons";
import { specDiff } from "./spec-diff";

const short = (commit?: string) => (commit ? commit.slice(0, 8) : "-");

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

const commandOf = (v: VersionSummary) => (v.rollbackOf !== undefined ? `${v.command} ${v.rollbackOf}` : v.command);

/** One line per version of a page (newest first), and where the rest are. */
export function historyText(page: { versions: readonly VersionSummary[]; total: number }): string {
  const { versions, total } = page;
  if (!total) return "No versions yet. `mops apply` records the first one.\n";
  const rows = [["VERSION", "TIME", "ACTOR", "COMMAND", "OUTCOME", "CHANGES", "COMMIT"]];
  for (const v of versions) {
    rows.push([String(v.version), v.time.replace(/\.\d+Z$/, "Z"), v.actor, commandOf(v), v.outcome, summaryLine(v).replace(/^Plan: /, ""), short(v.gitCommit)]);
  }
  const oldest = versions.at(-1)?.version ?? 1;
  const more = oldest > 1 ? `\n${oldest - 1} older version${oldest === 2 ? "" : "s"}: \`mops history --before ${oldest}\`.` : "";
  return `${table(rows)}\n${more ? `${more}\n` : ""}`;
}

const SIGN: Record<ChangeRecord["action"], string> = { create: "+", update: "~", replace: "-/+", delete: "-", adopt: "<=", manual: "!" };

/** What a version did, one line per change. */
function changeLines(changes: readonly ChangeRecord[]): string[] {
  return changes.map((c) => {
    const id = c.id ? ` (id ${c.id})` : "";
    const paths = c.paths?.length ? `: ${c.paths.slice(0, 6).join(", ")}${c.paths.length > 6 ? ", …" : ""}` : "";
    const why = reasonsLine(c.reasons);
    return `  ${SIGN[c.action]} ${c.address}${id}${paths}${why ? `  # ${why}` : ""}`;
  });
}

/** `mops show N`: the version's facts, its errors, and its plan. */
export function showText(v: HistoryVersion, opts: TextOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const lines = [
    c.bold(`Version ${v.version}`),
    `  time:      ${v.time}`,
    `  actor:     ${v.actor}`,
    `  command:   ${commandOf(v)}`,
    `  outcome:   ${v.outcome}`,
    ...(v.recoveredBy ? [`  recorded:  by ${v.recoveredBy.actor} at ${v.recoveredBy.time}, after the run was killed`] : []),
    `  commit:    ${v.gitCommit ?? "-"}`,
    `  stack:     ${v.desired.name} (${v.desired.environment}), ${v.desired.resources.length} resources`,
    `  state:     serial ${v.stateSerial}`,
    ...(v.approvers?.length ? [`  approvers: ${v.approvers.join(", ")}`] : []),
    `  hash:      ${v.hash}`,
    "",
  ];
  if (v.errors?.length) {
    lines.push(c.red("Errors:"), ...v.errors.map((e) => `  ${e.address}: ${e.message}`), "");
  }
  if (!v.changes.length) lines.push("It changed nothing on the platform.");
  else lines.push(`What it did (${summaryLine(v).replace(/^Plan: /, "")}):`, ...changeLines(v.changes));
  return `${lines.join("\n")}\n`;
}

/** `mops diff N M`: how the desired stack of M differs from N's, per resource. */
export function diffText(a: HistoryVersion, b: HistoryVersion, opts: TextOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const index = (v: HistoryVersion) => new Map<string, Resource>(v.desired.resources.map((r) => [address(r.kind, r.name), r]));
  const before = index(a), after = index(b);
  const addrs = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: string[] = [];
  for (const addr of addrs) {
    const kind = (before.get(addr) ?? after.get(addr))!.kind;
    const x = maskSensitive(kind, before.get(addr)?.spec), y = maskSensitive(kind, after.get(addr)?.spec);
    const d = specDiff(x, y);
    if (!d) continue;
    const what = x === undefined ? c.green(`+ ${addr} (added)`) : y === undefined ? c.red(`- ${addr} (removed)`) : c.yellow(`~ ${addr}`);
    const body = d
      .trimEnd()
      .split("\n")
      .map((l) => (l.startsWith("+") ? c.green(l) : l.startsWith("-") ? c.red(l) : l.startsWith("@@") ? c.cyan(l) : l));
    out.push(what, ...body.map((l) => `    ${l}`), "");
  }
  const head = `Desired state: version ${a.version} -> version ${b.version}`;
  if (!out.length) return `${head}\n\nNo differences.\n`;
  return `${head}\n\n${out.join("\n")}\n`;
}
