import pc from "picocolors";
import { sortDiagnostics, type Diagnostic } from "../diagnostics";
import type { Kind } from "../model";
import { renderDiagnostics, summarize } from "./diagnostics";
import { findingsMarkdown } from "./markdown";
import { code, mdText } from "./md";

/** What `mops audit` found: the live account read as a stack, and the marketing checks over it. */
export interface AuditResult {
  stack: string;
  environment: string;
  provider: string;
  /** Live objects read, per kind. */
  objects: Partial<Record<Kind, number>>;
  /** Kinds the platform does not let Mops read: the checks that need them did not run. */
  unreadable: Kind[];
  requests?: number;
  findings: Diagnostic[];
  /** Platform id of each live object, by address: findings point at these, there being no stack file. */
  ids: Record<string, string>;
}

/** A finding points at the live object: its address and platform id. */
const locator = (r: AuditResult) => (d: Diagnostic): string | undefined =>
  d.address && r.ids[d.address] !== undefined ? `${d.address} (${r.provider} id ${r.ids[d.address]})` : undefined;

function headline(r: AuditResult): string[] {
  const total = Object.values(r.objects).reduce((a, b) => a + (b ?? 0), 0);
  const kinds = Object.entries(r.objects).map(([k, n]) => `${k} ${n}`).join(" · ");
  return [
    `Audit of environment \`${r.environment}\` (${r.provider}): ${total} live objects read${r.requests !== undefined ? ` in ${r.requests} requests` : ""}`,
    ...(kinds ? [`  ${kinds}`] : []),
    ...(r.unreadable.length ? [`  not readable on ${r.provider}: ${r.unreadable.join(", ")} (the checks that need them did not run)`] : []),
  ];
}

export function auditText(r: AuditResult, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const head = headline(r).map((l, i) => (i === 0 ? c.bold(l) : l)).join("\n");
  return `${head}\n\n${renderDiagnostics(sortDiagnostics(r.findings), { color: opts.color, locate: locator(r) })}`;
}

export function auditMarkdown(r: AuditResult): string {
  const [first, ...rest] = headline(r);
  const table = ["| kind | live objects |", "| --- | --- |", ...Object.entries(r.objects).map(([k, n]) => `| ${code(k)} | ${n} |`)].join("\n");
  const parts = [
    `### ${mdText(first!.replace(/`/g, ""))}`,
    table,
    ...rest.filter((l) => l.includes("not readable")).map((l) => `> ${mdText(l.trim())}`),
    `**${summarize(r.findings)}**`,
    r.findings.length ? findingsMarkdown(r.findings, { locate: locator(r) }) : "",
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}

export function auditJson(r: AuditResult): string {
  const findings = sortDiagnostics(r.findings).map((d) => ({ ...d, ...(d.address && r.ids[d.address] !== undefined ? { live: { provider: r.provider, id: r.ids[d.address] } } : {}) }));
  const { ids: _ids, ...rest } = r;
  return `${JSON.stringify({ ...rest, summary: summarize(r.findings), findings }, null, 2)}\n`;
}
