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
  /**
   * Where a diagnostic with no file range points, instead of its bare
   * address: a finding about a live object (`mops audit`) names the object
   * and its platform id there.
   */
  locate?: (d: Diagnostic) => string | undefined;
}

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
    // Keep tabs so the caret lines up under the same characters.
    const lead = line.slice(0, start - 1).replace(/[^\t]/g, " ");
    lines.push(`${pad} ${bar}`, `${c.blue(String(r.line))} ${bar} ${line}`, `${pad} ${bar} ${lead}${sev[d.severity]("^".repeat(span))}`);
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

function sourceLine(text: string | undefined, n: number): string | undefined {
  const l = text?.split(/\r?\n/)[n - 1];
  return l?.replace(/\s+$/, "");
}

/** "2 errors, 1 warning" (or "no problems"). */
export function summarize(ds: readonly Diagnostic[]): string {
  const count = (s: Severity) => ds.filter((d) => d.severity === s).length;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const e = count("error");
  const w = count("warning");
  const i = count("info");
  const notes = i > 0 ? part(i, "note") : undefined;
  if (e === 0 && w === 0) return ["no problems", notes].filter(Boolean).join(", ");
  return [e > 0 ? part(e, "error") : undefined, w > 0 ? part(w, "warning") : undefined, notes].filter(Boolean).join(", ");
}

/** Every diagnostic, a blank line between, then the summary line. */
export function renderDiagnostics(ds: readonly Diagnostic[], opts: RenderOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const body = ds.map((d) => renderDiagnostic(d, opts));
  const colour = ds.some((d) => d.severity === "error") ? c.red : ds.length > 0 ? c.yellow : c.green;
  return [...body, ...(opts.summary === false ? [] : [colour(c.bold(summarize(ds)))])].join("\n\n") + "\n";
}
