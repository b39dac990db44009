import type { Diagnostic, Severity } from "../diagnostics";
import { sortDiagnostics } from "../diagnostics";
import type { Resource, Stack, WorkflowSpec } from "../model";
import type { Action, Plan, ResourceChange } from "../plan/types";
import { code, fence, html, mdCell, mdNestedLines, mdTable, mdText } from "./md";
import { stepMarks, workflowFlowchart } from "./mermaid";
import { specDiff } from "./spec-diff";
import { where } from "../stack/where";
import { masked } from "./mask";
import { reasonsLine } from "./reasons";

/**
 * `mops plan --format markdown`: a pull-request comment a lifecycle marketer
 * can review. Everything important comes first, because a huge plan is cut
 * to fit GitHub's comment limit: summary, table, findings, manual steps, then
 * one collapsible block per resource until the budget runs out.
 */

/** GitHub rejects comments over 65,536 characters; stay clear of it. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  stack?: Stack;
  /** Findings beyond those recorded in the plan (e.g. a fresh `mops validate`). */
  findings?: Diagnostic[];
  maxChars?: number;
}

/** The hidden first line CI looks for to update its one comment instead of adding another. */
export const planMarker = (stack: string, environment: string): string => `<!-- mops-plan:${stack}/${environment} -->`;

const ACTION_SIGN: Record<Action, string> = {
  create: "🟢 `+`",
  update: "🟡 `~`",
  replace: "🟠 `-/+`",
  delete: "🔴 `-`",
  manual: "✋ `!`",
  adopt: "🔵 `<=`",
  // Only listed when it drifted (`mops plan --refresh-only`).
  noop: "🟣 `≠`",
};

const ACTION_WORD: Record<Action, string> = {
  create: "create", update: "update", replace: "replace", delete: "destroy", manual: "manual", adopt: "adopt", noop: "drifted",
};

const SEVERITY_TITLE: Record<Severity, string> = { error: "❌ Errors", warning: "⚠️ Warnings", info: "ℹ️ Notes" };

/** Room kept for the truncation note and the footer. */
const RESERVE = 600;
const MAX_DIFF_LINES = 300;

export function planMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? 65_000;
  // Drift on an otherwise unchanged resource is news too (`mops plan --refresh-only`).
  const changes = plan.changes.filter((c) => c.action !== "noop" || c.drift?.length);
  const out: string[] = [];
  let used = 0;
  const add = (text: string): void => {
    out.push(text);
    used += text.length + 2;
  };
  const fits = (text: string, limit = max - RESERVE): boolean => used + text.length + 2 <= limit;

  add(planMarker(plan.stack, plan.environment));
  const rollback = plan.rollbackOf !== undefined ? ` — rollback to version ${plan.rollbackOf}` : "";
  add(`### Mops plan: ${code(plan.stack)} → ${code(plan.environment)} (${mdText(plan.provider)})${rollback}`);
  add(summaryLine(plan));
  if (opts.stack?.environments[plan.environment]?.protected && changes.length) {
    add(`> [!IMPORTANT]\n> ${code(plan.environment)} is a protected environment: owners of the changed resources should approve.`);
  }
  if (!changes.length) return finish(out, plan, 0);

  // The table gets at most half the budget so that findings and some details always show.
  const rows: string[][] = [];
  const tableLimit = Math.floor(max / 2);
  let tableChars = 200;
  for (const c of changes) {
    const row = [ACTION_SIGN[c.action], code(c.retired ? `${c.address} (previous, ${c.id})` : c.address), ACTION_WORD[c.action], mdCell(reasonsLine(c.reasons))];
    const len = row.join(" | ").length + 5;
    if (tableChars + len > tableLimit) break;
    rows.push(row);
    tableChars += len;
  }
  add(mdTable([" ", "Resource", "Action", "Why"], rows));
  if (rows.length < changes.length) add(`_…and ${changes.length - rows.length} more changes not listed._`);

  const findings = dedupe([...plan.diagnostics, ...(opts.findings ?? [])]);
  if (findings.length) add(findingsSection(findings, Math.floor(max / 5)));

  const manual = changes.filter((c) => c.action === "manual" && c.manual);
  if (manual.length) {
    // A note of several lines is the provider's step-by-step: a list under the address.
    const lines = manual.map((c) => (c.manual!.includes("\n") ? `- [ ] ${code(c.address)}:\n${mdNestedLines(c.manual!.split("\n"))}` : `- [ ] ${code(c.address)}: ${mdText(c.manual!)}`));
    const text = `#### ✋ Manual steps\nThe platform's API cannot make these changes; do them by hand after applying:\n\n${lines.join("\n")}`;
    if (fits(text)) add(text);
  }

  add("#### Details");
  let shown = 0;
  for (const c of changes) {
    const block = details(c, plan);
    if (!fits(block)) break;
    add(block);
    shown++;
  }
  return finish(out, plan, changes.length - shown);
}

function finish(out: string[], plan: Plan, notShown: number): string {
  if (notShown > 0) {
    out.push(`> [!NOTE]\n> ${notShown} more resources not shown; run \`mops plan\` locally or see the plan artifact.`);
  }
  const fp = plan.fingerprints;
  out.push(
    `<sub>mops · planned ${mdText(plan.createdAt)} · desired ${code(fp.desired.slice(0, 12))} · state serial ${fp.stateSerial}</sub>`,
  );
  return `${out.join("\n\n")}\n`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const extras: string[] = [];
  if (s.drifted) extras.push(`${s.drifted} drifted outside Mops`);
  if (s.manual) extras.push(`${s.manual} manual ${s.manual === 1 ? "step" : "steps"}`);
  if (s.adopt) extras.push(`${s.adopt} to adopt`);
  const tail = extras.length ? ` · ${extras.join(" · ")}` : "";
  if (!plan.changes.some((c) => c.action !== "noop")) {
    return s.drifted ? `**No changes planned.**${tail}` : `**No changes.** The live account matches the stack.${tail}`;
  }
  const replace = s.replace ? `, ${s.replace} to replace` : "";
  return `**Plan: ${s.add} to add, ${s.change} to change${replace}, ${s.destroy} to destroy.**${tail}`;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\u0000${d.address ?? ""}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Findings as a Markdown section, grouped by severity; `locate` names where a finding without a file range points. */
export function findingsMarkdown(findings: Diagnostic[], opts: { limit?: number; heading?: string; locate?: (d: Diagnostic) => string | undefined } = {}): string {
  return findingsSection(findings, opts.limit ?? 60_000, opts.heading, opts.locate);
}

function findingsSection(findings: Diagnostic[], limit: number, heading = "#### Findings", locate?: (d: Diagnostic) => string | undefined): string {
  const parts = [heading];
  let size = parts[0].length;
  let omitted = 0;
  for (const severity of ["error", "warning", "info"] as const) {
    const group = sortDiagnostics(findings.filter((d) => d.severity === severity));
    if (!group.length) continue;
    const items: string[] = [];
    for (const d of group) {
      const item = findingItem(d, locate);
      if (size + item.length > limit) {
        omitted++;
        continue;
      }
      items.push(item);
      size += item.length + 1;
    }
    if (items.length) parts.push(`**${SEVERITY_TITLE[severity]} (${group.length})**\n\n${items.join("\n")}`);
  }
  if (omitted) parts.push(`_…and ${omitted} more findings; run \`mops validate\` to see them all._`);
  return parts.join("\n\n");
}

function findingItem(d: Diagnostic, locate?: (d: Diagnostic) => string | undefined): string {
  const at = d.range ? ` (${code(where(d.range))})` : "";
  const about = d.address ? ` ${code(locate?.(d) ?? d.address)}` : "";
  const hint = d.hint ? `\n  - hint: ${mdText(d.hint)}` : "";
  return `- ${code(d.code)}${about}: ${mdText(d.message)}${at}${hint}`;
}

function details(change: ResourceChange, plan: Plan): string {
  const c = masked(change);
  const facts: string[] = [];
  const why = reasonsLine(c.reasons);
  if (why) facts.push(`**Why:** ${mdText(why)}`);
  const owner = (c.after ?? c.before) as { owner?: string } | undefined;
  if (owner?.owner) facts.push(`**Owner:** ${code(owner.owner)}`);
  const audience = audienceOf(c, plan);
  if (audience) facts.push(`**Estimated audience:** ${audience}`);
  const after = [...new Set(plan.steps.filter((s) => s.change === c.address).flatMap((s) => s.after.map((a) => a.slice(a.indexOf(":") + 1))))].filter((a) => a !== c.address);
  if (after.length) facts.push(`**After:** ${after.map(code).join(", ")}`);
  if (c.drift?.length) {
    const items = c.drift.map((d) => `${code(d.path)} (last applied ${value(d.before)}, live ${value(d.after)})`);
    facts.push(`**Drift:** changed outside Mops: ${items.join(", ")}`);
  }
  if (c.manual) facts.push(`**By hand:** ${c.manual.split("\n").map(mdText).join("<br>")}`);

  const blocks: string[] = [];
  if (c.kind === "workflow" && c.after && (c.action === "create" || c.action === "update" || c.action === "replace")) {
    const wf = { kind: "workflow", name: c.name, spec: c.after as WorkflowSpec } as Resource<"workflow">;
    const marks = c.action === "create" ? {} : stepMarks(c.before as WorkflowSpec | undefined, wf.spec);
    blocks.push(fence("mermaid", workflowFlowchart(wf, marks)));
  }
  const diff = specDiff(c.before, c.after, { maxLines: MAX_DIFF_LINES });
  if (diff) blocks.push(fence("diff", diff));

  // Inside <summary> GitHub does not render markdown, so the sign is HTML too.
  const htmlSign = ACTION_SIGN[c.action].replace(/`([^`]+)`/, (_, s: string) => `<code>${html(s)}</code>`);
  const summary = `${htmlSign} <code>${html(c.address)}</code> — ${ACTION_WORD[c.action]}`;
  return `<details><summary>${summary}</summary>\n\n${facts.join("<br>\n")}\n\n${blocks.join("\n\n")}\n\n</details>`;
}

/** Blast radius: the segment's own size, or for a workflow the size of the segment that triggers it. */
function audienceOf(c: ResourceChange, plan: Plan): string | undefined {
  if (!plan.audience) return undefined;
  let seg: string | undefined;
  let why = "";
  if (c.kind === "segment") seg = c.address;
  else if (c.kind === "workflow") {
    const spec = (c.after ?? c.before) as WorkflowSpec | undefined;
    if (spec?.trigger?.type === "segment_entry") {
      seg = `segment.${spec.trigger.segment}`;
      why = ` in ${code(seg)} (trigger)`;
    }
  }
  const n = seg !== undefined ? plan.audience[seg] : undefined;
  return n === undefined ? undefined : `~${n.toLocaleString("en-US")} contacts${why}`;
}

function value(v: unknown): string {
  const text = v === undefined ? "unset" : typeof v === "string" ? v : JSON.stringify(v);
  return code(text.length > 60 ? `${text.slice(0, 59)}…` : text);
}
