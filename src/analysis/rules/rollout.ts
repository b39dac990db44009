import type { Diagnostic } from "../../diagnostics";
import { address, type Stack } from "../../model";
import type { Rule } from "../context";
import type { Policy } from "../../model/policy";
import { isProtected } from "../policy";

/**
 * A workflow that becomes active in a protected environment (it was not
 * active in `previous`, the last applied stack) must start small: rollout at
 * most the policy's percentage and/or with a holdout group.
 */
export function safeRollout(policy: Policy, previous: Stack | undefined): Rule {
  return (ctx) => {
    const rules = policy.safe_rollout;
    const env = ctx.stack.environment;
    if (!rules || !previous || !appliesTo(policy, ctx.stack)) return [];
    const before = new Map(previous.resources.filter((r) => r.kind === "workflow").map((r) => [r.name, r.spec]));
    const out: Diagnostic[] = [];
    for (const [name, w] of ctx.workflows) {
      if (w.status !== "active") continue;
      const prev = before.get(name) as { status?: string } | undefined;
      if (prev?.status === "active") continue;
      const res = { kind: "workflow" as const, name };
      const rollout = w.rollout_percent ?? 100;
      if (rules.max_percent !== undefined && rollout > rules.max_percent) {
        out.push(ctx.finding("rollout/unsafe-activation", "error", res, w.rollout_percent === undefined ? ["status"] : ["rollout_percent"],
          `\`workflow.${name}\` goes live in protected environment \`${env}\` at ${rollout} % rollout; policy allows at most ${rules.max_percent} % for a first activation`,
          {
            hint: `set \`rollout_percent: ${rules.max_percent}\` (in the environment's overrides) and raise it once the numbers look right`, detail: { rollout, max: rules.max_percent },
            fixes: [{ title: `start at ${rules.max_percent} % in ${env}`, safe: true, edits: [{ address: address("workflow", name), environment: env, path: ["rollout_percent"], op: "set", value: rules.max_percent }] }],
          }));
      }
      if (rules.require_holdout && !(w.holdout_percent && w.holdout_percent > 0)) {
        out.push(ctx.finding("rollout/unsafe-activation", "error", res, w.holdout_percent === undefined ? ["status"] : ["holdout_percent"],
          `\`workflow.${name}\` goes live in protected environment \`${env}\` without a holdout group`,
          {
            hint: "set `holdout_percent` (e.g. 10) so its effect can be measured", detail: { holdout: w.holdout_percent ?? 0 },
            fixes: [{ title: `hold out 10 % in ${env}`, safe: true, edits: [{ address: address("workflow", name), environment: env, path: ["holdout_percent"], op: "set", value: 10 }] }],
          }));
      }
    }
    return out;
  };
}

/** Safe rollout is asked of this stack's environment. */
const appliesTo = (policy: Policy, stack: Stack): boolean =>
  !!policy.safe_rollout && isProtected(policy, stack, stack.environment) &&
  (!policy.safe_rollout.environments || policy.safe_rollout.environments.includes(stack.environment));

/** The checks that need the last applied version to run on this stack (for callers deciding whether to read state). */
export const stateChecks = (policy: Policy, stack: Stack): string[] => (appliesTo(policy, stack) ? ["rollout/unsafe-activation"] : []);
