import pc from "picocolors";
import { address, type Resource } from "../model";
import type { HistoryVersion } from "../state/types";
import { planText, summaryLine, type TextOptions } from "./plan-text";
import { specDiff } from "./spec-diff";

const short = (commit?: string) => (commit ? commit.slice(0, 8) : "-");

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

const commandOf = (v: HistoryVersion) => (v.rollbackOf !== undefined ? `${v.command} ${v.rollbackOf}` : v.command);

/** One line per version, oldest first. */
export function historyText(versions: readonly HistoryVersion[]): string {
  if (!versions.length) return "No versions yet. `mops apply` records the first one.\n";
  const rows = [["VERSION", "TIME", "ACTOR", "COMMAND", "OUTCOME", "PLAN", "COMMIT"]];
  for (const v of versions) {
    rows.push([String(v.version), v.time.replace(/\.\d+Z$/, "Z"), v.actor, commandOf(v), v.outcome, summaryLine(v.plan).replace(/^Plan: /, ""), short(v.gitCommit)]);
  }
  return `${table(rows)}\n`;
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
  return `${lines.join("\n")}\n${planText(v.plan, { ...opts, recorded: true })}`;
}

/** `mops diff N M`: how the desired stack of M differs from N's, per resource. */
export function diffText(a: HistoryVersion, b: HistoryVersion, opts: TextOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const index = (v: HistoryVersion) => new Map<string, Resource>(v.desired.resources.map((r) => [address(r.kind, r.name), r]));
  const before = index(a), after = index(b);
  const addrs = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: string[] = [];
  for (const addr of addrs) {
    const x = before.get(addr)?.spec, y = after.get(addr)?.spec;
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
