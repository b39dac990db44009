import { diffLines } from "diff";
import pc from "picocolors";
import { toYaml } from "../stack/emit";
import type { AttributeChange, ChangeSummary, Plan, ResourceChange } from "../plan/types";
import { masked } from "./mask";
import { reasonWords } from "./reasons";

export interface TextOptions {
  color?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

const HEAD: Record<string, { sign: string; words: string; color: keyof Colors }> = {
  create: { sign: "+", words: "will be created", color: "green" },
  update: { sign: "~", words: "will be updated in-place", color: "yellow" },
  replace: { sign: "-/+", words: "must be replaced", color: "magenta" },
  delete: { sign: "-", words: "will be destroyed", color: "red" },
  manual: { sign: "!", words: "needs a manual change", color: "cyan" },
  adopt: { sign: "<=", words: "will be adopted into state", color: "blue" },
};

/** How a change reads in the header line: a replace says in which order, a retired object says which one. */
function headWords(ch: ResourceChange): { sign: string; words: string; color: keyof Colors } {
  const h = HEAD[ch.action]!;
  if (ch.retired) {
    const words = ch.action === "update" ? `(previous version, id ${ch.id}) will stop admitting new contacts` : `(previous version, id ${ch.id}) will be destroyed`;
    return { ...h, words };
  }
  if (ch.action !== "replace") return h;
  const how = { "delete-before-create": ["-/+", "must be replaced (deleted, then created)"], "create-before-delete": ["+/-", "must be replaced (created, then the old one deleted)"], drain: ["+/~", "must be replaced: the new one goes live, the old one stops admitting and is deleted once empty"] }[ch.replaceMode ?? "create-before-delete"]!;
  return { ...h, sign: how[0]!, words: how[1]! };
}

const isMultiline = (v: unknown): v is string => typeof v === "string" && v.includes("\n");

/** A value on one line: JSON for scalars and short structures, elided when long. */
export function oneLine(v: unknown, max = 100): string {
  if (v === undefined) return "(none)";
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const isStructure = (v: unknown) => !!v && typeof v === "object";

/** Lines of a before/after pair diffed with `diff`, each marked + / - / space. */
function lineDiff(before: string, after: string, c: Colors, indent: string): string[] {
  const out: string[] = [];
  for (const part of diffLines(before, after)) {
    const sign = part.added ? c.green("+") : part.removed ? c.red("-") : " ";
    for (const line of part.value.replace(/\n$/, "").split("\n")) out.push(`${indent}${sign} ${line}`);
  }
  return out;
}

function attributeLines(changes: readonly AttributeChange[], c: Colors, indent: string): string[] {
  const out: string[] = [];
  for (const a of changes) {
    const long = oneLine(a.before).length + oneLine(a.after).length > 80;
    if (isMultiline(a.before) || isMultiline(a.after)) {
      out.push(`${indent}${c.yellow("~")} ${a.path}:`);
      out.push(...lineDiff(typeof a.before === "string" ? a.before : "", typeof a.after === "string" ? a.after : "", c, `${indent}    `));
    } else if ((isStructure(a.before) || isStructure(a.after)) && long) {
      const sign = a.before === undefined ? c.green("+") : a.after === undefined ? c.red("-") : c.yellow("~");
      out.push(`${indent}${sign} ${a.path}:`);
      out.push(...lineDiff(a.before === undefined ? "" : toYaml(a.before), a.after === undefined ? "" : toYaml(a.after), c, `${indent}    `));
    } else if (a.before === undefined) out.push(`${indent}${c.green("+")} ${a.path}: ${oneLine(a.after)}`);
    else if (a.after === undefined) out.push(`${indent}${c.red("-")} ${a.path}: ${oneLine(a.before)}`);
    else out.push(`${indent}${c.yellow("~")} ${a.path}: ${oneLine(a.before)} -> ${oneLine(a.after)}`);
  }
  return out;
}

/** A whole spec as YAML, every line marked: what a create will make. */
function wholeSpec(spec: unknown, c: Colors, indent: string): string[] {
  if (!spec || typeof spec !== "object") return [];
  return toYaml(spec).replace(/\n$/, "").split("\n").map((l) => `${indent}${c.green("+")} ${l}`);
}

function changeBlock(change: ResourceChange, c: Colors): string[] {
  const ch = masked(change);
  const h = headWords(ch);
  const color = c[h.color] as (s: string) => string;
  const id = ch.id && !ch.retired ? c.dim(` (id ${ch.id})`) : "";
  const out = [`  ${c.bold(`# ${ch.address}`)} ${h.words}${id}`];
  for (const r of ch.reasons.filter((x) => x.code !== "new")) out.push(`  ${c.dim(`# ${reasonWords(r)}`)}`);
  out.push(`  ${color(h.sign)} ${ch.address}`);
  const indent = "      ";
  if (ch.action === "create") out.push(...wholeSpec(ch.after, c, indent));
  else if (ch.action === "delete") {
    /* a destroy lists nothing: the address says it all */
  } else out.push(...attributeLines(ch.attributes ?? [], c, indent));
  if (ch.action === "manual" && ch.manual) out.push(...ch.manual.split("\n").map((l) => `${indent}${c.cyan(l)}`));
  return [...out, ""];
}

/** The Terraform-style summary line, of a plan or of a recorded version. */
export function summaryLine(p: { summary: ChangeSummary }): string {
  const s = p.summary;
  const line = `Plan: ${s.add + s.replace} to add, ${s.change} to change, ${s.destroy + s.replace} to destroy.`;
  const extra = [s.adopt ? `${s.adopt} to adopt` : "", s.manual ? `${s.manual} manual` : ""].filter(Boolean);
  return extra.length ? `${line} (${extra.join(", ")})` : line;
}

const vanished = (ch: ResourceChange) => ch.reasons.some((r) => r.code === "deleted-outside");
/** Changes whose live object moved away from what Mops last applied, or vanished. */
export const driftedChanges = (plan: Plan): ResourceChange[] => plan.changes.filter((ch) => ch.drift?.length || vanished(ch));

function driftSection(plan: Plan, c: Colors): string[] {
  const drifted = driftedChanges(plan);
  if (!drifted.length) return [];
  const out = [c.bold("Objects changed outside Mops"), "", "  Mops found these differences between the platform and what it last applied:", ""];
  for (const ch of drifted) {
    if (vanished(ch)) {
      out.push(`  ${c.red("-")} ${ch.address} ${c.dim("(deleted outside Mops)")}`, "");
      continue;
    }
    out.push(`  ${c.yellow("~")} ${ch.address}${ch.id ? c.dim(` (id ${ch.id})`) : ""}`);
    out.push(...attributeLines(masked(ch).drift!, c, "      "), "");
  }
  return out;
}

/** `mops drift`: only what changed outside Mops. */
export function driftText(plan: Plan, opts: TextOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const out = driftSection(plan, c);
  if (!out.length) return `${c.green("No drift: the platform matches what Mops last applied.")}\n`;
  out.push(`${driftedChanges(plan).length} objects drifted. \`mops plan\` shows how applying the stack puts them back.`);
  return `${out.join("\n")}\n`;
}

/** Human output of a plan: drift first, then the actions, then the summary. */
export function planText(plan: Plan, opts: TextOptions = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const out = driftSection(plan, c);
  if (out.length && plan.changes.some((ch) => (ch.drift?.length || vanished(ch)) && ch.action !== "noop")) {
    out.push("  Applying this plan puts back what the stack declares.", "");
  }
  if (plan.rollbackOf !== undefined) out.push(`Rolling back to the desired state of version ${plan.rollbackOf}.`, "");
  const acting = plan.changes.filter((ch) => ch.action !== "noop");
  if (!acting.length) {
    out.push(c.green("No changes. Your marketing platform matches the stack."));
    return `${out.join("\n")}\n`;
  }
  out.push("Mops will perform the following actions:", "");
  for (const ch of acting) out.push(...changeBlock(ch, c));
  out.push(c.bold(summaryLine(plan)));
  return `${out.join("\n")}\n`;
}
