import { Option, type Command } from "commander";
import { analyze } from "../analysis";
import { hasErrors, type Diagnostic } from "../diagnostics";
import { address, KINDS, type Kind, type Resource, type Stack } from "../model";
import type { LiveObject } from "../provider";
import { refresh } from "../plan";
import { auditJson, auditMarkdown, auditText, type AuditResult } from "../report/audit";
import { loadStackPolicy } from "../stack/policy";
import { engineAction, openStack, reportDiagnostics, tsTimeoutOption } from "./context";
import { progress } from "./progress";
import { colorEnabled } from "./render";

interface Opts {
  env?: string;
  tsTimeout?: number;
  format: "text" | "markdown" | "json";
}

/**
 * Findings that would be claims about what Mops could not read: with no
 * readable frequency caps, "no cap covers this send" is unknown, not true.
 */
const NEEDS: Partial<Record<Kind, string[]>> = {
  frequency_cap: ["cap/uncovered-send", "cap/exceeded"],
  team: ["governance/unknown-owner"],
  user: ["governance/unknown-owner"],
  subscription_type: ["consent/missing-subscription", "consent/wrong-channel"],
  event: ["event/no-catalogue", "event/unknown-event", "event/unknown-property", "event/wrong-type"],
};

/** The live objects as the resources of a stack (what `mops import` would write), one per address. */
export function liveStack(base: Stack, live: readonly LiveObject[]): Stack {
  const seen = new Set<string>();
  const resources = live.filter((o) => {
    const a = address(o.kind, o.name);
    if (seen.has(a)) return false;
    seen.add(a);
    return true;
  }).map((o) => ({ kind: o.kind, name: o.name, spec: o.spec }) as Resource);
  return { name: base.name, description: base.description, environment: base.environment, environments: base.environments, resources };
}

/**
 * `mops audit`: read every readable kind of the environment's platform, build
 * a stack from what is live (in memory: no file, no state is written), and
 * run every marketing check on it.
 */
export async function runAudit(path: string, opts: Opts): Promise<AuditResult | undefined> {
  const ctx = await openStack(path, opts, { provider: true });
  if (!ctx) return undefined;
  try {
    const provider = ctx.provider!;
    const readable = KINDS.filter((k) => provider.capabilities[k]?.read);
    const unreadable = KINDS.filter((k) => !provider.capabilities[k]?.read);
    const p = progress();
    ctx.listen(p.sink);
    const { live, requests } = await refresh(provider, readable, { events: p.sink });
    p.done();
    const stack = liveStack(ctx.stack, live);
    const pol = await loadStackPolicy(ctx.loaded);
    reportDiagnostics(pol.diagnostics, ctx.loaded);
    const skipped = new Set(unreadable.flatMap((k) => NEEDS[k] ?? []));
    const findings: Diagnostic[] = analyze(stack, { policy: pol.value?.policy, customRules: pol.value?.customRules })
      .filter((d) => !skipped.has(d.code))
      // A fix edits stack files, and an audit has none for these objects.
      .map(({ fixes: _, ...d }) => d);
    const objects = Object.fromEntries(readable.map((k) => [k, live.filter((o) => o.kind === k).length]));
    const ids = Object.fromEntries(live.map((o) => [address(o.kind, o.name), o.id]));
    const result: AuditResult = { stack: ctx.stack.name, environment: ctx.stack.environment, provider: provider.name, objects, unreadable, requests, findings, ids };
    const out = opts.format === "json" ? auditJson(result) : opts.format === "markdown" ? auditMarkdown(result) : auditText(result, { color: colorEnabled(process.stdout) });
    process.stdout.write(out);
    if (hasErrors(findings)) process.exitCode = 1;
    return result;
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("audit")
    .description("read the live platform of an environment and run every marketing check on it, without a stack (reads only)")
    .argument("[path]", "stack file or directory that declares the environment", ".")
    .option("-e, --env <name>", "environment to audit")
    .addOption(tsTimeoutOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "markdown", "json"]).default("text"))
    .action(engineAction(async (path: string, opts: Opts) => {
      await runAudit(path, opts);
    }));
}
