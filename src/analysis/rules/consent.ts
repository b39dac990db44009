import type { Diagnostic } from "../../diagnostics";
import { suggestion } from "../../diagnostics/suggest";
import type { Rule } from "../context";
import { canonicalJson } from "../../model";
import { isOpaqueReason } from "../dnf";
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
    const checked = new Set<string>();
    for (const { step, path, guards } of guardedSends(w.steps)) {
      if (step.transactional) continue;
      const st = step.subscription_type;
      const spec = st ? subs.get(st) : undefined;
      if (!st || !spec) {
        const ofChannel = [...subs].filter(([, s]) => s.channel === step.channel).map(([n]) => n);
        out.push(ctx.finding("consent/missing-subscription", "error", res, st ? [...path, "subscription_type"] : path,
          st
            ? `send names subscription type \`${st}\`, which is not declared`
            : step.channel === "sms"
              ? "marketing SMS without a subscription type: texts need the contact's SMS consent"
              : `marketing ${step.channel} send names no subscription type`,
          {
            hint: st ? suggestion(st, [...subs.keys()], "subscription types")
              : ofChannel.length ? `add \`subscription_type: ${ofChannel[0]}\`` : `declare a ${step.channel} subscription type and name it here, or mark the send \`transactional: true\` if it is a service message`,
          }));
        continue;
      }
      if (spec.channel !== step.channel) {
        out.push(ctx.finding("consent/wrong-channel", "error", res, [...path, "subscription_type"],
          `a ${step.channel} send names \`${st}\`, a ${spec.channel} subscription type`, {
            hint: step.channel === "sms" ? "SMS needs SMS consent: name an sms subscription type" : `name a ${step.channel} subscription type`,
          }));
        continue;
      }
      const key = canonicalJson([st, guards]);
      if (checked.has(key)) continue;
      checked.add(key);
      const without = ctx.solver.normalize({ all: [...guards, { not: { consent: st } }] });
      const d = ctx.solver.intersect(ctx.solver.audience(name, w), without);
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
        }));
    }
  }
  return out;
};
