import pc from "picocolors";
import type { Diagnostic, Severity } from "../diagnostics";
import { displayPath } from "../stack/where";

export interface RenderOptions {
  /** Colour the output (the CLI decides: a TTY and no NO_COLOR). */
  color?: boolean;
  /** File paths are shown relative to this directory when inside it. */
  cwd?: string;
  /** The text of a file, to show the offending line; undefined when unknown. */
  source?: (file: string) => string | undefined;
  /** End with the "2 errors, 1 warning" line (default); off when the caller says it another way. */
  summary?: boolean;
  /** At most this many diagnostics of one code per file, then "… and N more like this" (default 10). */
  perCode?: number;
  /**
   * Where a diagnostic with no file range points, instead of its bare
   * address: a finding about a live object (`mops audit`) names the object
   * and its platform id there.
   */
  locate?: (d: Diagnostic) => string | undefined;
}

/** Columns of a source line shown around the caret; a longer line is cut to this window. */
const WINDOW = 100;
const PER_CODE = 10;

export { displayPath };

/**
 * One diagnostic the way compilers print it:
 *
 *     error MOPS104: unknown key `triger`
 *       --> stacks/x.yaml:12:5
 *        |
 *     12 |     triger:
 *        |     ^^^^^^
 *        = hint: did you mean `trigger`?
 */
export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const sev: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.cyan };
  const lines = [`${c.bold(sev[d.severity](`${d.severity} ${d.code}`))}${c.bold(`: ${d.message}`)}`];
  const r = d.range;
  const line = r ? sourceLine(opts.source?.(r.file), r.line) : undefined;
  const pad = " ".repeat(r && line !== undefined ? String(r.line).length : 1);
  const bar = c.blue("|");
  if (r) lines.push(`${pad}${c.blue("-->")} ${displayPath(r.file, opts.cwd)}:${r.line}:${r.col}`);
  else if (d.address) lines.push(`${pad}${c.blue("-->")} ${opts.locate?.(d) ?? d.address}`);
  if (r && line !== undefined) {
    const start = Math.min(Math.max(r.col, 1), line.length + 1);
    // endCol is exclusive; a range over several lines is underlined to the end of its first.
    const end = r.endLine === undefined || r.endLine === r.line ? Math.max(r.endCol ?? start + 1, start + 1) : line.length + 1;
    const span = Math.max(1, Math.min(end, line.length + 1) - start);
    const cut = excerpt(line, start, span);
    // Keep tabs so the caret lines up under the same characters.
    const lead = cut.text.slice(0, cut.start - 1).replace(/[^\t]/g, " ");
    lines.push(`${pad} ${bar}`, `${c.blue(String(r.line))} ${bar} ${cut.text}`, `${pad} ${bar} ${lead}${sev[d.severity]("^".repeat(cut.span))}`);
  }
  if (d.hint) lines.push(`${pad} ${c.blue("=")} ${c.bold("hint")}: ${d.hint}`);
  for (const r of d.related ?? []) {
    lines.push(`${pad} ${c.blue("=")} ${c.bold("note")}: ${r.message}${r.range ? ` at ${displayPath(r.range.file, opts.cwd)}:${r.range.line}:${r.range.col}` : ""}`);
  }
  for (const f of d.fixes ?? []) {
    lines.push(`${pad} ${c.blue("=")} ${c.bold(f.safe ? "fix" : "possible fix")}: ${f.title}${f.safe ? " (safe: `mops validate --fix` applies it)" : " (a choice: apply it by hand)"}`);
  }
  return lines.join("\n");
}

/**
 * A line longer than the window, cut around the caret with `…` on the cut
 * sides: a generated 16 KB line is shown as the 100 columns that matter.
 */
function excerpt(line: string, start: number, span: number): { text: string; start: number; span: number } {
  if (line.length <= WINDOW) return { text: line, start, span };
  // The caret a third of the way in, unless it is near enough to the start to show the line's beginning.
  const from = start - 1 < (WINDOW * 2) / 3 ? 0 : Math.max(0, Math.min(start - 1 - Math.floor(WINDOW / 3), line.length - WINDOW));
  const to = from + WINDOW;
  const head = from > 0 ? "…" : "";
  return {
    text: `${head}${line.slice(from, to)}${to < line.length ? "…" : ""}`,
    start: start - from + head.length,
    span: Math.max(1, Math.min(span, to - (start - 1))),
  };
}

/** Line starts of the last text asked for: diagnostics come sorted by file, so one index serves a run of them. */
let indexed: { text: string; starts: number[] } | undefined;

function sourceLine(text: string | undefined, n: number): string | undefined {
  if (text === undefined) return undefined;
  if (indexed?.text !== text) {
    const starts = [0];
    for (const m of text.matchAll(/\r\n?|\n/g)) starts.push(m.index! + m[0].length);
    indexed = { text, starts };
  }
  const { starts } = indexed;
  if (n < 1 || n > starts.length) return undefined;
  const end = n < starts.length ? starts[n]! : text.length;
  return text.slice(starts[n - 1], end).replace(/\s+$/, "");
}

/** "2 errors, 1 warning" (or "no problems"). */
export function summarize(ds: readonly Diagnostic[]): string {
  const count = (s: Severity) => ds.filter((d) => d.severity === s).length;
  const part = (n: number, w: string) => `${n.toLocaleString("en-US")} ${w}${n === 1 ? "" : "s"}`;
  const e = count("error");
  const w = count("warning");
  const i = count("info");
  const notes = i > 0 ? part(i, "note") : undefined;
  if (e === 0 && w === 0) return ["no problems", notes].filter(Boolean).join(", ");
  return [e > 0 ? part(e, "error") : undefined, w > 0 ? part(w, "warning") : undefined, notes].filter(Boolean).join(", ");
}

/**
 * Every diagnostic, a blank line between, then the summary line. Past
 * `perCode` diagnostics of one code in one file, the rest are counted in one
 * line: 10,000 undeclared references print ten and "… and 9,990 more".
 */
export function renderDiagnostics(ds: readonly Diagnostic[], opts: RenderOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const limit = opts.perCode ?? PER_CODE;
  const groups = new Map<string, number>();
  for (const d of ds) {
    const g = groupOf(d);
    if (g !== undefined) groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  const shown = new Map<string, number>();
  const body: string[] = [];
  for (const d of ds) {
    const g = groupOf(d);
    if (g === undefined) {
      body.push(renderDiagnostic(d, opts));
      continue;
    }
    const n = (shown.get(g) ?? 0) + 1;
    shown.set(g, n);
    if (n > limit) continue;
    body.push(renderDiagnostic(d, opts));
    const rest = groups.get(g)! - limit;
    if (n === limit && rest > 0) {
      body.push(c.dim(`… and ${rest.toLocaleString("en-US")} more like this (${d.severity} ${d.code} in ${displayPath(d.range!.file, opts.cwd)})`));
    }
  }
  const colour = ds.some((d) => d.severity === "error") ? c.red : ds.length > 0 ? c.yellow : c.green;
  return [...body, ...(opts.summary === false ? [] : [colour(c.bold(summarize(ds)))])].join("\n\n") + "\n";
}

/** Diagnostics are counted per code within a file; one with no file (an audit finding about a live object) stands alone. */
const groupOf = (d: Diagnostic): string | undefined => (d.range ? `${d.severity} ${d.code} ${d.range.file}` : undefined);
