import type { Diagnostic, Edit, Fix } from "../../diagnostics";
import { address, CHANNELS, type WorkflowSpec } from "../../model";
import type { Rule } from "../context";
import { isOpaqueReason } from "../dnf";
import { marketingChannels } from "../steps";
import { describeWitness, maskedWitness } from "../witness";

/**
 * Two active workflows that can enrol the same contact and both send
 * marketing on one channel, with nothing deciding between them (equal or
 * missing priority). Mutual exclusion through suppression shows up as an
 * empty intersection of the audiences.
 */
export const conflicts: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const active = [...ctx.workflows].filter(([, w]) => w.status === "active");
  const priorities = new Set([...ctx.workflows.values()].flatMap((w) => (w.priority === undefined ? [] : [w.priority])));
  // Channel bitmasks make the pairwise scan cheap for workflows that cannot clash.
  const items = active
    .map(([name, w]) => ({ name, w, mask: mask(w) }))
    .filter((x) => x.mask !== 0)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      const shared = a.mask & b.mask;
      if (!shared) continue;
      if (a.w.priority !== undefined && b.w.priority !== undefined && a.w.priority !== b.w.priority) continue;
      const d = ctx.solver.overlap(a.name, a.w, b.name, b.w);
      if (d.status === "unsat") continue;
      const channels = CHANNELS.filter((_, k) => shared & (1 << k));
      const pair = `\`workflow.${a.name}\` and \`workflow.${b.name}\``;
      if (d.status === "sat") {
        out.push(ctx.finding("conflict/overlapping-workflows", "warning", { kind: "workflow", name: b.name }, ["trigger"],
          `${pair} can both enrol the same contact and send ${channels.join(", ")}: for example ${describeWitness(ctx, d.witness)}`,
          {
            hint: `give one a higher \`priority\`, or suppress one's audience in the other (\`suppression: { segments: [...] }\`)`,
            detail: { workflows: [a.name, b.name], channels, witness: maskedWitness(ctx, d.witness) },
            fixes: [priorityFix(priorities, a, b)],
          }));
      } else {
        const opaque = d.reasons.every(isOpaqueReason);
        out.push(ctx.finding("conflict/cannot-decide", "info", { kind: "workflow", name: b.name }, ["trigger"],
          `cannot decide whether ${pair} reach the same contacts: ${d.reasons.join("; ")}`,
          {
            hint: opaque
              ? "compare their audiences in the platform; if they can overlap, give one a higher priority or exclude one's audience from the other"
              : "if they can overlap, set different priorities or a suppression; simpler conditions let the check decide",
            detail: { workflows: [a.name, b.name], channels, reasons: d.reasons },
          }));
      }
    }
  }
  return out;
};

/**
 * One of the two wins: priorities no other workflow uses, so no new tie
 * appears, and a priority already set is kept where one new one decides.
 */
function priorityFix(taken: ReadonlySet<number>, a: { name: string; w: WorkflowSpec }, b: { name: string; w: WorkflowSpec }): Fix {
  const used = new Set(taken);
  const free = (from: number): number => {
    for (let d = 0; d <= 1000; d++) for (const p of [from - d, from + d]) if (p >= 0 && p <= 1000 && !used.has(p)) return used.add(p), p;
    return from;
  };
  const edits: Edit[] = [];
  const set = (name: string, p: number) => edits.push({ address: address("workflow", name), path: ["priority"], op: "set", value: p });
  let pa = a.w.priority, pb = b.w.priority;
  if (pa === undefined && pb !== undefined) set(a.name, (pa = free(pb + 1)));
  else {
    if (pa === undefined) set(a.name, (pa = free(500)));
    set(b.name, (pb = free(pa - 1)));
  }
  const [winner, loser] = pa > pb! ? [a.name, b.name] : [b.name, a.name];
  return { title: `let \`workflow.${winner}\` win over \`workflow.${loser}\` (priority ${Math.max(pa, pb!)} over ${Math.min(pa, pb!)})`, safe: false, edits };
}

function mask(w: WorkflowSpec): number {
  let m = 0;
  for (const c of marketingChannels(w)) m |= 1 << CHANNELS.indexOf(c);
  return m;
}
