import type { Diagnostic, Fix } from "../../diagnostics";
import { address, hasOpaqueAudience, type Kind } from "../../model";
import { closest, suggestion } from "../../diagnostics/suggest";
import type { AnalysisContext, Rule } from "../context";
import type { Policy } from "../../model/policy";
import { references } from "../../model/refs";

/** Kinds whose declarations have `owner` and a purpose-like field. */
const OWNED: Kind[] = ["workflow", "segment"];
const purposeOf = (kind: Kind, spec: Record<string, unknown>) => (kind === "workflow" ? spec.purpose : spec.description);

export function ownership(policy: Policy): Rule {
  return (ctx) => {
    const out: Diagnostic[] = [];
    const owners = knownOwners(ctx);
    for (const kind of OWNED) {
      for (const [name, spec] of ctx.all(kind)) {
        const s = spec as unknown as Record<string, unknown>;
        const res = { kind, name };
        const owner = s.owner as string | undefined;
        if (owner === undefined && policy.governance.require_owner.includes(kind)) {
          out.push(ctx.finding("governance/no-owner", "warning", res, undefined, `${kind}.${name} has no owner`, {
            hint: "add `owner:` naming a declared user or team, so someone answers for it",
          }));
        }
        if (owner !== undefined && !owners.has(owner.toLowerCase())) {
          const near = closest(owner, [...owners.values()]);
          out.push(ctx.finding("governance/unknown-owner", "warning", res, ["owner"],
            `owner \`${owner}\` is not a declared user or team`, {
              hint: suggestion(owner, [...owners.values()], "users and teams"),
              fixes: near ? [{ title: `make \`${near}\` the owner`, safe: true, edits: [{ address: address(kind, name), path: ["owner"], op: "set", value: near }] }] : [],
            }));
        }
        const purpose = purposeOf(kind, s);
        if ((typeof purpose !== "string" || !purpose.trim()) && policy.governance.require_purpose.includes(kind)) {
          const field = kind === "workflow" ? "purpose" : "description";
          out.push(ctx.finding("governance/no-purpose", "warning", res, undefined, `${kind}.${name} does not say why it exists`, {
            hint: `add \`${field}:\` in one sentence (what it is for and how success is measured)`,
          }));
        }
      }
    }
    return out;
  };
}

/** Owner spellings that count: team names, user names, user emails (case-insensitive) -> display form. */
export function knownOwners(ctx: AnalysisContext): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of ctx.all("team").keys()) m.set(t.toLowerCase(), t);
  for (const [u, spec] of ctx.all("user")) {
    m.set(u.toLowerCase(), u);
    m.set(spec.email.toLowerCase(), spec.email);
  }
  return m;
}

/** Deleting a declaration deletes the object on the platform at the next apply: a person decides that. */
const removal = (kind: Kind, name: string): Fix => ({ title: `delete ${kind}.${name}`, safe: false, edits: [{ address: address(kind, name), path: [], op: "remove" }] });

export const unused: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const segs = new Set<string>(), templates = new Set<string>();
  const uses = [...[...ctx.all("segment")].map(([, s]) => references("segment", s)), ...[...ctx.workflows].map(([, w]) => references("workflow", w))];
  for (const refs of uses) {
    for (const r of refs) {
      if (r.kind === "segment") segs.add(r.name);
      if (r.kind === "template") templates.add(r.name);
    }
  }
  // A workflow whose entry audience cannot be read may enter from any segment: then no segment is known to be unused.
  const opaqueEntry = [...ctx.workflows.values()].some(hasOpaqueAudience);
  for (const name of ctx.all("segment").keys()) {
    if (segs.has(name) || opaqueEntry) continue;
    out.push(ctx.finding("governance/unused-segment", "info", { kind: "segment", name }, undefined,
      `segment.${name} is used by no workflow or segment`, { hint: "delete it, or reference it where it was meant to be used", fixes: [removal("segment", name)] }));
  }
  for (const name of ctx.all("template").keys()) {
    if (templates.has(name)) continue;
    out.push(ctx.finding("governance/unused-template", "info", { kind: "template", name }, undefined,
      `template.${name} is sent by no workflow`, { hint: "delete it, or send it from the workflow it was written for", fixes: [removal("template", name)] }));
  }
  return out;
};
