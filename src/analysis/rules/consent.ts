import type { Diagnostic, Edit, Fix } from "../../diagnostics";
import { closest, suggestion } from "../../diagnostics/suggest";
import type { Rule } from "../context";
import { address, canonicalJson, type Step } from "../../model";
import { isOpaqueReason } from "../dnf";
import { addToEntryFilter } from "../fixes";
import { guardedSends } from "../steps";
import { describeWitness, maskedWitness } from "../witness";

/**
 * Every marketing send names a subscription type of its channel, and the
 * audience is limited to contacts who consented to it.
 */
export const consent: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const subs = ctx.all("subscription_type");
  for (const [name, w] of ctx.workflows) {
    const res = { kind: "workflow" as const, name };
    const addr = address("workflow", name);
    const checked = new Set<string>();
    for (const { step, path, guards } of guardedSends(w.steps)) {
      if (step.transactional) continue;
      /** Who can reach this send without consent to `st` (the entry filter and branches alone often settle it, and cheaply). */
      const gap = (st: string) => {
        const without = { all: [...guards, { not: { consent: st } }] };
        if (ctx.solver.intersect(ctx.solver.normalize(w.entry_filter ? { all: [w.entry_filter, without] } : without)).status === "unsat") return { status: "unsat" as const };
        return ctx.solver.intersect(ctx.solver.audience(name, w), ctx.solver.normalize(without));
      };
      /** The send naming `st`, and only reaching contacts who consented to it. */
      const naming = (st: string, safe: boolean): Fix => {
        const named = { ...step, subscription_type: st };
        const open = gap(st).status !== "unsat";
        const edits: Edit[] = !open ? [{ address: addr, path: [...path, "subscription_type"], op: "set", value: st }]
          : guards.length ? [{ address: addr, path, op: "set", value: guarded(named, st) }]
          : [{ address: addr, path: [...path, "subscription_type"], op: "set", value: st }, ...addToEntryFilter(addr, w, { consent: st })];
        return { title: `send under \`${st}\`${open ? `, to contacts who consented to it` : ""}`, safe, edits };
      };
      const st = step.subscription_type;
      const spec = st ? subs.get(st) : undefined;
      if (!st || !spec) {
        const ofChannel = [...subs].filter(([, s]) => s.channel === step.channel).map(([n]) => n);
        const near = st ? closest(st, ofChannel) : undefined;
        const fixes: Fix[] = near ? [naming(near, true)]
          : ofChannel.length ? [naming(ofChannel[0], ofChannel.length === 1)]
          : [{ title: "mark the send transactional (only if it is a service message)", safe: false, edits: [{ address: addr, path: [...path, "transactional"], op: "set", value: true }] }];
        out.push(ctx.finding("consent/missing-subscription", "error", res, st ? [...path, "subscription_type"] : path,
          st
            ? `send names subscription type \`${st}\`, which is not declared`
            : step.channel === "sms"
              ? "marketing SMS without a subscription type: texts need the contact's SMS consent"
              : `marketing ${step.channel} send names no subscription type`,
          {
            hint: st ? suggestion(st, [...subs.keys()], "subscription types")
              : ofChannel.length ? `add \`subscription_type: ${ofChannel[0]}\`` : `declare a ${step.channel} subscription type and name it here, or mark the send \`transactional: true\` if it is a service message`,
            fixes,
          }));
        continue;
      }
      if (spec.channel !== step.channel) {
        const ofChannel = [...subs].filter(([, s]) => s.channel === step.channel).map(([n]) => n);
        out.push(ctx.finding("consent/wrong-channel", "error", res, [...path, "subscription_type"],
          `a ${step.channel} send names \`${st}\`, a ${spec.channel} subscription type`, {
            hint: step.channel === "sms" ? "SMS needs SMS consent: name an sms subscription type" : `name a ${step.channel} subscription type`,
            fixes: ofChannel.length ? [naming(ofChannel[0], ofChannel.length === 1)] : [],
          }));
        continue;
      }
      const key = canonicalJson([st, guards]);
      if (checked.has(key)) continue;
      checked.add(key);
      const d = gap(st);
      if (d.status === "unsat") continue;
      const where = guards.length ? path : w.entry_filter ? ["entry_filter"] : ["trigger"];
      if (d.status === "unknown" && d.reasons.every(isOpaqueReason)) {
        out.push(ctx.finding("consent/cannot-decide", "info", res, where,
          `cannot decide whether the audience of \`workflow.${name}\` requires consent to \`${st}\`: ${d.reasons.join("; ")}`,
          {
            hint: `check in the platform that only contacts who consented to \`${st}\` can enter it`,
            detail: { subscription_type: st, reasons: d.reasons },
          }));
        continue;
      }
      const optOut = spec.default === "opt_out";
      out.push(ctx.finding("consent/audience-not-filtered", optOut ? "warning" : "error", res, where,
        d.status === "sat"
          ? `the audience of \`workflow.${name}\` does not require consent to \`${st}\`: ${describeWitness(ctx, d.witness)} would get ${step.channel} without it`
          : `cannot show that the audience of \`workflow.${name}\` requires consent to \`${st}\` (${d.reasons.join("; ")})`,
        {
          hint: `add \`{ consent: ${st} }\` to the entry filter${guards.length ? " or the branch before this send" : ""}${optOut ? " (it is opt-out by default, so unsubscribed contacts would still be mailed)" : ""}`,
          detail: { subscription_type: st, ...(d.status === "sat" ? { witness: maskedWitness(ctx, d.witness) } : {}) },
          fixes: d.status === "unknown" ? [] : [{
            title: guards.length ? `send only to contacts who consented to \`${st}\` (a branch around this send)` : `add \`{ consent: ${st} }\` to the entry filter`,
            safe: true,
            edits: guards.length ? [{ address: addr, path, op: "set", value: guarded(step, st) }] : addToEntryFilter(addr, w, { consent: st }),
          }],
        }));
    }
  }
  return out;
};

/** The send behind a branch on consent: the other path does nothing, the journey goes on. */
const guarded = (step: Step, st: string): Step => ({ type: "branch", condition: { consent: st }, then: [step] });
