import type { Diagnostic, Severity } from "../diagnostics";
import { hasErrors, sortDiagnostics } from "../diagnostics";
import type { Resource, Stack, WorkflowSpec } from "../model";
import { QUOTA_CODE } from "../plan/quota";
import type { Action, Plan, ResourceChange } from "../plan/types";
import { code, fence, html, mdCell, mdNestedLines, mdTable, mdText } from "./md";
import { stepMarks, workflowFlowchart } from "./mermaid";
import { specDiff } from "./spec-diff";
import { where } from "../stack/where";
import { audienceWords } from "./audience";
import { masked } from "./mask";
import { reasonsLine } from "./reasons";
import { comments, paginate, type Block, type Section } from "./paginate";
import { rankChanges, riskGroup } from "./rank";

/**
 * `mops plan --format markdown`: pull-request comments a lifecycle marketer
 * can review. Ranked by risk: destroys and replaces first, then updates of
 * active sending journeys, other updates, creates. A plan too long for one
 * comment continues in numbered comments; only when even those would be too
 * many are details left out, the least risky first, and never the row of a
 * destroy or a replace.
 */

/** GitHub rejects comments over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What a comment is filled to: clear of the limit, whatever the encoding surprises. */
const COMMENT_CHARS = 65_000;
const MAX_COMMENTS = 10;
const MAX_DIFF_LINES = 300;
const FALLBACK_DIFF_LINES = 40;

export interface MarkdownOptions {
  stack?: Stack;
  /** Findings beyond those recorded in the plan (e.g. a fresh `mops validate`). */
  findings?: Diagnostic[];
  /** What customers would get, simulated (`mops plan --simulate`): a section of its own after the findings. */
  simulation?: string;
  /** Characters per comment. */
  maxChars?: number;
  /** Comments at most (more only for what is never left out). */
  maxComments?: number;
}

/** What one stack's command produced, for a comment: a plan, or the diagnostics of why there is none. */
export interface StackReport {
  /** The stack's name and environment; for a stack that did not load, as far as they could be read. */
  stack: string;
  environment: string;
  /** The command whose result this is, named in a failure's title. */
  command: "plan" | "validate";
  /** The stack's directory as the repository names it (combined comments show it). */
  path?: string;
  plan?: Plan;
  /** Everything reported: loading, schema, references, analysis, the plan, the platform. */
  diagnostics: Diagnostic[];
  /** The resolved stack, when it loaded (a protected environment is said so). */
  model?: Stack;
  /** What customers would get, simulated (`mops plan --simulate`), as markdown. */
  simulation?: string;
}

/**
 * The hidden first line of a comment: the posting script updates the bot's
 * comment that starts with it. Comment k > 1 of one document adds `#k`.
 */
export const commentMarker = (family: string, k = 1): string => `<!-- mops-plan:${family}${k > 1 ? `#${k}` : ""} -->`;
export const planMarker = (stack: string, environment: string): string => commentMarker(`${stack}/${environment}`);
/** The one document of `--changed` / `--all`, whatever stacks it holds this time. */
export const combinedFamily = (environment?: string): string => `@changed${environment ? `/${environment}` : ""}`;

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

/** What goes first when there are too many comments: diffs, then diagrams, then notes and warnings, then table rows. */
const DROP = { row: 1, finding: 2, journey: 3, detail: 4 } as const;

/** The plan as one or more comments, each starting with its marker. */
export function planComments(plan: Plan, opts: MarkdownOptions = {}): string[] {
  return reportComments(
    { stack: plan.stack, environment: plan.environment, command: "plan", plan, diagnostics: dedupe([...plan.diagnostics, ...(opts.findings ?? [])]), model: opts.stack, ...(opts.simulation ? { simulation: opts.simulation } : {}) },
    opts,
  );
}

/** The comments as one text (what `mops plan --format markdown` prints): each starts with its marker line. */
export const planMarkdown = (plan: Plan, opts: MarkdownOptions = {}): string => planComments(plan, opts).join("\n");

/** One stack's result as comments: its plan, or why it failed. */
export function reportComments(r: StackReport, opts: MarkdownOptions = {}): string[] {
  const family = `${r.stack}/${r.environment}`;
  return comments(reportSections(r, [], true), pageOptions(family, titleOf(r), opts));
}

/**
 * Several stacks' results (`--changed`, `--all`) as one document: an
 * overview with a row per stack, then a section per stack.
 */
export function combinedComments(reports: readonly StackReport[], opts: MarkdownOptions & { environment?: string; base?: string } = {}): string[] {
  const title = `Mops ${reports[0]?.command ?? "plan"}: ${reports.length} ${reports.length === 1 ? "stack" : "stacks"}`;
  const rows = reports.map((r) => [code(r.path ?? r.stack), code(r.stack), code(r.environment), outcomeCell(r)]);
  const since = opts.base ? ` changed since ${code(opts.base)}` : "";
  const overview: Section = {
    blocks: [
      { text: `### ${title}` },
      { text: reports.length ? `Stacks${since}, in the order of the repository config:` : `No stack${since}: nothing to plan.` },
      ...(reports.length ? [{ text: mdTable(["Stack", "Name", "Environment", "Result"], rows) }] : []),
    ],
  };
  const sections = [overview, ...reports.flatMap((r) => reportSections(r, [`### ${code(r.path ?? r.stack)} → ${code(r.environment)}`], false))];
  return comments(sections, pageOptions(combinedFamily(opts.environment), title, opts));
}

function pageOptions(family: string, title: string, opts: MarkdownOptions) {
  return { limit: opts.maxChars ?? COMMENT_CHARS, maxComments: opts.maxComments ?? MAX_COMMENTS, marker: (k: number) => commentMarker(family, k), title };
}

const failed = (r: StackReport) => hasErrors(r.diagnostics) || (r.command === "plan" && !r.plan);

function titleOf(r: StackReport): string {
  const provider = r.plan ? ` (${mdText(r.plan.provider)})` : "";
  const rollback = r.plan?.rollbackOf !== undefined ? ` — rollback to version ${r.plan.rollbackOf}` : "";
  const what = r.command === "validate" ? "validate" : "plan";
  return `${failed(r) ? "❌ " : ""}Mops ${what}${failed(r) ? " failed" : ""}: ${code(r.stack)} → ${code(r.environment)}${provider}${rollback}`;
}

function outcomeCell(r: StackReport): string {
  const errors = r.diagnostics.filter((d) => d.severity === "error").length;
  if (failed(r)) return `❌ ${errors} ${errors === 1 ? "error" : "errors"}`;
  if (!r.plan) return "✅ valid";
  return summaryLine(r.plan).replace(/\*\*/g, "");
}

/** The sections of one stack's result; `path` holds the stack's heading in a combined document. */
function reportSections(r: StackReport, path: string[], standalone: boolean): Section[] {
  const head: Block[] = standalone ? [{ text: `### ${titleOf(r)}` }] : [];
  const at = (b: Block): Block => ({ ...b, path: [...path, ...(b.path ?? [])] });
  // Quotas are a note on what the apply will cost, shown beside the summary rather than as findings.
  const findings = findingsBlocks(r.diagnostics.filter((d) => d.code !== QUOTA_CODE), "#### Findings");
  const findingsSection: Section = { blocks: findings.blocks.map(at), dropped: (n) => at(findings.note(n)) };
  if (!r.plan) {
    const lead = failed(r)
      ? `Mops could not ${r.command === "validate" ? "validate the stack" : "make a plan"}: fix the errors below and push again.`
      : `The stack is valid: ${summarize(r.diagnostics)}.`;
    return [{ blocks: [...head, { text: lead }].map(at) }, findingsSection];
  }
  const plan = r.plan;
  // Drift on an otherwise unchanged resource is news too (`mops plan --refresh-only`).
  const changes = rankChanges(plan.changes.filter((c) => c.action !== "noop" || c.drift?.length));
  const header: Block[] = [...head, { text: summaryLine(plan) }];
  if (hasErrors(r.diagnostics)) {
    header.push({ text: "> [!CAUTION]\n> The plan has errors (below): it cannot be applied until they are fixed." });
  }
  const quotas = r.diagnostics.filter((d) => d.code === QUOTA_CODE);
  if (quotas.length) {
    const kind = quotas.some((d) => d.severity === "warning") ? "WARNING" : "NOTE";
    header.push({ text: `> [!${kind}]\n> **Platform quotas:** ${quotas.map((d) => mdText(d.message)).join("<br>\n> ")}` });
  }
  const destroys = changes.filter((c) => riskGroup(c) === 0).length;
  if (destroys) {
    header.push({ text: `> [!WARNING]\n> ${destroys} ${destroys === 1 ? "resource is" : "resources are"} destroyed or replaced: listed first.` });
  }
  if (r.model?.environments[plan.environment]?.protected && changes.length) {
    header.push({ text: `> [!IMPORTANT]\n> ${code(plan.environment)} is a protected environment: owners of the changed resources should approve.` });
  }
  const footer: Section = { blocks: [at({ text: footerLine(plan) })] };
  if (!changes.length) return [{ blocks: header.map(at) }, findingsSection, footer];

  const tableHeader = mdTable([" ", "Resource", "Action", "Why"], []);
  const rows: Section = {
    blocks: changes.map((c) =>
      at({
        text: `| ${[ACTION_SIGN[c.action], code(c.retired ? `${c.address} (previous, ${c.id})` : c.address), ACTION_WORD[c.action], mdCell(reasonsLine(c.reasons))].join(" | ")} |`,
        row: "changes",
        header: tableHeader,
        // A destroy or a replace is never left out.
        drop: riskGroup(c) === 0 ? 0 : DROP.row,
      }),
    ),
    dropped: (n) => at({ text: `_…and ${n} more changes not listed (every destroy and replace is); run \`mops plan\` locally or see the plan artifact._` }),
  };

  const manual = changes.filter((c) => c.action === "manual" && c.manual);
  const manualSection: Section = {
    blocks: manual.length
      ? [
          { text: "The platform's API cannot make these changes; do them by hand after applying:" },
          // A note of several lines is the provider's step-by-step: a list under the address.
          ...manual.map((c) => ({
            text: c.manual!.includes("\n") ? `- [ ] ${code(c.address)}:\n${mdNestedLines(c.manual!.split("\n"))}` : `- [ ] ${code(c.address)}: ${mdText(c.manual!)}`,
            row: "manual",
          })),
        ].map((b) => at({ ...b, path: ["#### ✋ Manual steps"] }))
      : [],
  };

  const journeys: Section = {
    blocks: changes.filter(drawn).map((c) => at({ ...journeyBlock(c), path: ["#### Journeys"] })),
    dropped: (n) => at({ text: `_${n} more ${n === 1 ? "journey" : "journeys"} not drawn here; \`mops graph <workflow>\` draws one._`, path: ["#### Journeys"] }),
  };
  const details: Section = {
    blocks: changes.map((c) => at({ ...detailsBlock(c, plan), path: ["#### Details"] })),
    dropped: (n) => at({ text: `> [!NOTE]\n> ${n} more resources not shown; run \`mops plan\` locally or see the plan artifact.`, path: ["#### Details"] }),
  };
  // With errors, the reasons the plan cannot be applied come before the plan.
  const middle = hasErrors(r.diagnostics) ? [findingsSection, rows] : [rows, findingsSection];
  const simulation: Section = { blocks: r.simulation ? [at({ text: r.simulation })] : [] };
  return [{ blocks: header.map(at) }, ...middle, simulation, manualSection, journeys, details, footer];
}

function footerLine(plan: Plan): string {
  const fp = plan.fingerprints;
  return `<sub>mops · planned ${mdText(plan.createdAt)} · desired ${code(fp.desired.slice(0, 12))} · state serial ${fp.stateSerial}</sub>`;
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

function summarize(ds: readonly Diagnostic[]): string {
  const n = (s: Severity) => ds.filter((d) => d.severity === s).length;
  const parts = ([["warning", "warning"], ["info", "note"]] as const).filter(([s]) => n(s)).map(([s, w]) => `${n(s)} ${w}${n(s) === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : "no findings";
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
export function findingsMarkdown(findings: Diagnostic[], opts: { heading?: string; locate?: (d: Diagnostic) => string | undefined } = {}): string {
  const { blocks } = findingsBlocks(findings, opts.heading ?? "#### Findings", opts.locate);
  return paginate(blocks, { limit: Infinity, maxComments: 1, marker: () => "", title: "" })[0]?.trimEnd() ?? "";
}

/** One block per finding, under its severity's heading; errors are never left out. */
function findingsBlocks(findings: readonly Diagnostic[], heading: string, locate?: (d: Diagnostic) => string | undefined): { blocks: Block[]; note: (n: number) => Block } {
  const blocks: Block[] = [];
  for (const severity of ["error", "warning", "info"] as const) {
    const group = sortDiagnostics(findings.filter((d) => d.severity === severity));
    const title = `**${SEVERITY_TITLE[severity]} (${group.length})**`;
    for (const d of group) blocks.push({ text: findingItem(d, locate), path: [heading, title], row: severity, drop: severity === "error" ? 0 : DROP.finding });
  }
  return { blocks, note: (n) => ({ text: `_…and ${n} more findings; run \`mops validate\` to see them all._`, path: [heading] }) };
}

function findingItem(d: Diagnostic, locate?: (d: Diagnostic) => string | undefined): string {
  const at = d.range ? ` (${code(where(d.range))})` : "";
  const about = d.address ? ` ${code(locate?.(d) ?? d.address)}` : "";
  const hint = d.hint ? `\n  - hint: ${mdText(d.hint)}` : "";
  return `- ${code(d.code)}${about}: ${mdText(d.message)}${at}${hint}`;
}

const drawn = (c: ResourceChange): boolean =>
  c.kind === "workflow" && !!c.after && (c.action === "create" || c.action === "update" || c.action === "replace");

/** Inside <summary> GitHub renders no markdown: the sign is HTML too. */
function summaryOf(c: ResourceChange, extra = ""): string {
  const sign = ACTION_SIGN[c.action].replace(/`([^`]+)`/, (_, s: string) => `<code>${html(s)}</code>`);
  return `<summary>${sign} <code>${html(c.address)}</code> — ${ACTION_WORD[c.action]}${extra}</summary>`;
}

/** A created or changed journey as a Mermaid flowchart, what changed marked. */
function journeyBlock(change: ResourceChange): Block {
  const c = masked(change);
  const wf = { kind: "workflow", name: c.name, spec: c.after as WorkflowSpec } as Resource<"workflow">;
  const marks = c.action === "create" ? {} : stepMarks(c.before as WorkflowSpec | undefined, wf.spec);
  const open = `<details>${summaryOf(c, " · journey")}\n\n`;
  return {
    text: `${open}${fence("mermaid", workflowFlowchart(wf, marks))}\n\n</details>`,
    fallback: `${open}_Too large to draw in a comment: \`mops graph ${c.name}\` draws it._\n\n</details>`,
    drop: DROP.journey,
  };
}

/** What a reviewer needs besides the diff; one fact a line. */
function facts(c: ResourceChange, plan: Plan): string[] {
  const out: string[] = [];
  const why = reasonsLine(c.reasons);
  if (why) out.push(`**Why:** ${mdText(why)}`);
  const owner = (c.after ?? c.before) as { owner?: string } | undefined;
  if (owner?.owner) out.push(`**Owner:** ${code(owner.owner)}`);
  const audience = plan.audience?.[c.address];
  if (audience && !c.retired) out.push(`**Estimated audience:** ${mdText(audienceWords(audience, code))}`);
  const after = [...new Set(plan.steps.filter((s) => s.change === c.address).flatMap((s) => s.after.map((a) => a.slice(a.indexOf(":") + 1))))].filter((a) => a !== c.address);
  if (after.length) out.push(`**After:** ${after.map(code).join(", ")}`);
  if (c.drift?.length) {
    const items = c.drift.map((d) => `${code(d.path)} (last applied ${value(d.before)}, live ${value(d.after)})`);
    out.push(`**Drift:** changed outside Mops: ${items.join(", ")}`);
  }
  if (c.manual) out.push(`**By hand:** ${c.manual.split("\n").map(mdText).join("<br>")}`);
  return out;
}

/** One collapsible block: the facts, then the YAML diff (before: live, after: the stack). */
function detailsBlock(change: ResourceChange, plan: Plan): Block {
  const c = masked(change);
  const open = `<details>${summaryOf(c)}\n\n${facts(c, plan).join("<br>\n")}`;
  const diff = (maxLines: number) => {
    const d = specDiff(c.before, c.after, { maxLines });
    return d ? `\n\n${fence("diff", d)}` : "";
  };
  return {
    text: `${open}${diff(MAX_DIFF_LINES)}\n\n</details>`,
    fallback: `${open}${diff(FALLBACK_DIFF_LINES)}\n\n</details>`,
    drop: DROP.detail,
  };
}

function value(v: unknown): string {
  const text = v === undefined ? "unset" : typeof v === "string" ? v : JSON.stringify(v);
  return code(text.length > 60 ? `${text.slice(0, 59)}…` : text);
}
