import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { currentActor, gitCommit, runSession } from "../apply";
import { warning } from "../diagnostics";
import { address, KINDS, type Kind, type Resource } from "../model";
import { suggestion } from "../diagnostics/suggest";
import type { LiveObject, Provider } from "../provider";
import { isOwnMark, narrowPlan, refresh } from "../plan";
import { emitStackYaml } from "../stack/emit";
import { loadStack } from "../stack";
import { durationOption, engineAction, openStack, reportDiagnostics, tsTimeoutOption } from "./context";
import { progress } from "./progress";

const NAME = /^[a-z][a-z0-9_]*$/;

/** What the platform's API cannot do per kind, for the header of each written file: read-only kinds are marked as such. */
function writeLimits(provider: Provider): Partial<Record<Kind, string>> {
  const out: Partial<Record<Kind, string>> = {};
  for (const k of KINDS) {
    const c = provider.capabilities[k];
    if (!c) continue;
    const manual = (["create", "update", "delete"] as const).filter((a) => c[a] !== "api");
    if (!manual.length) continue;
    const what = manual.length === 3 ? `Read-only on ${provider.name}` : `On ${provider.name}, by hand only: ${manual.join(", ")}`;
    out[k] = `${what}${c.note ? `: ${c.note}` : ""}.`;
  }
  return out;
}

/** `workflows.yaml`, or `workflows-2.yaml` when an earlier import already wrote that file. */
function freePath(dir: string, file: string): string {
  const m = /^(.*)(\.ya?ml)$/.exec(file)!;
  for (let i = 1; ; i++) {
    const p = join(dir, i === 1 ? file : `${m[1]}-${i}${m[2]}`);
    if (!existsSync(p)) return p;
  }
}

/**
 * `mops import`: live objects nobody manages become part of the stack. Those
 * the stack declares are adopted into state; the others are written out as
 * YAML (into the stack's own directory by default, so they are declared from
 * now on) and adopted too when the written files are part of the stack.
 */
export async function runImport(path: string, opts: { env?: string; out?: string; force?: boolean; lockTimeout?: number; kinds?: Kind[] }): Promise<void> {
  const ctx = await openStack(path, opts, { provider: true });
  if (!ctx) return;
  const { provider, backend, loaded } = ctx;
  try {
    const state = await backend.state.read();
    const kinds = KINDS.filter((k) => provider!.capabilities[k]?.read && (!opts.kinds || opts.kinds.includes(k)));
    const p = progress();
    ctx.listen(p.sink);
    const { live } = await refresh(provider!, kinds, { state, events: p.sink });
    p.done();

    const own = { stack: ctx.stack.name, environment: ctx.stack.environment, lineage: state.lineage };
    const claimed = new Set(Object.values(state.resources).flatMap((s) => (s.id ? [`${s.kind}\0${s.id}`] : [])));
    const declared = new Set(ctx.stack.resources.map((r) => address(r.kind, r.name)));
    const seen = new Set<string>();
    const undeclared: LiveObject[] = [];
    for (const o of live) {
      const a = address(o.kind, o.name);
      if (claimed.has(`${o.kind}\0${o.id}`) || declared.has(a)) continue;
      const skip = (why: string) =>
        reportDiagnostics([warning("import/skipped", `live ${o.kind} ${JSON.stringify(o.name)} (id ${o.id}) is not imported: ${why}`, { hint: "rename it in the platform, then import again" })]);
      // Another stack's object is that stack's to manage: writing it out here would make two owners.
      if (o.owner && !isOwnMark(o.owner, own) && !opts.force) {
        reportDiagnostics([warning("import/owned-elsewhere", `live ${o.kind} ${JSON.stringify(o.name)} (id ${o.id}) is managed by stack ${o.owner.stack} (${o.owner.environment}): not imported`, { hint: "pass --force if that stack no longer manages it" })]);
        continue;
      }
      if (!NAME.test(o.name)) {
        skip("its name is not lower_snake_case");
        continue;
      }
      if (seen.has(a)) {
        skip("another live object has the same name");
        continue;
      }
      seen.add(a);
      undeclared.push(o);
    }

    const outDir = resolve(opts.out ?? join(loaded.baseDir, "imported"));
    const dirStack = statSync(resolve(path)).isDirectory() && loaded.files.every((f) => /\.ya?ml$/.test(f));
    const insideStack = dirStack && (outDir + sep).startsWith(loaded.baseDir + sep);
    const written: string[] = [];
    if (undeclared.length) {
      const files = emitStackYaml(
        {
          name: ctx.stack.name,
          resources: undeclared.map((o) => ({ kind: o.kind, name: o.name, spec: o.spec }) as Resource),
          ...(insideStack ? {} : { environments: ctx.stack.environments, default_environment: ctx.stack.environment }),
        },
        { source: `${provider!.name} (${ctx.stack.environment})`, limits: writeLimits(provider!) },
      ).filter((f) => !(insideStack && f.path === "mops.yaml"));
      mkdirSync(outDir, { recursive: true });
      for (const f of files) {
        const target = insideStack ? freePath(outDir, f.path) : join(outDir, f.path);
        writeFileSync(target, f.text);
        written.push(target);
      }
    }

    // Adopt what the stack declares now, written files included.
    const again = await loadStack(path, { environment: ctx.stack.environment, env: process.env, tsTimeoutMs: ctx.loaded.tsTimeoutMs });
    if (!again.value) {
      reportDiagnostics(again.diagnostics, again.value);
      process.stderr.write("The imported files do not load as part of the stack; nothing was adopted.\n");
      process.exitCode = 1;
      return;
    }
    const shown = (f: string) => relative(process.cwd(), f) || f;
    if (written.length) process.stdout.write(`Wrote ${undeclared.length} objects to:\n${written.map((f) => `  ${shown(f)}`).join("\n")}\n`);
    const actor = currentActor(loaded.baseDir);
    const commit = gitCommit(loaded.baseDir);
    const r = await runSession({
      provider: provider!, backend, desired: again.value.stack, events: progress().sink, lockTimeoutMs: opts.lockTimeout,
      meta: { actor, command: "import", ...(commit ? { gitCommit: commit } : {}) },
      request: { importAll: true, ...(opts.force ? { force: true } : {}) },
      // Import takes objects into state as they are; making them match the stack is the next apply's business.
      select: (plan) => narrowPlan(plan, (c) => (c.action === "adopt" ? { ...c, reasons: c.reasons.filter((x) => x.code !== "update-after-adopt") } : undefined)),
    });
    if (r.blocked) {
      reportDiagnostics(r.diagnostics, again.value);
      process.stderr.write("Nothing was imported.\n");
      process.exitCode = 1;
      return;
    }
    const adopted = r.applied?.executed.done.length ?? 0;
    if (!r.applied) {
      process.stdout.write(written.length ? "Add them to the stack to adopt them (the next `mops import` adopts them).\n" : "Nothing to import: every live object is already managed.\n");
      return;
    }
    process.stdout.write(`Imported ${adopted} objects into state${r.applied.version ? ` (version ${r.applied.version.version})` : ""}.\n`);
    if (written.length && !insideStack) process.stdout.write(`Objects written outside the stack are adopted once their files join it.\n`);
    if (r.applied.outcome !== "complete") process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("import")
    .description("adopt live platform objects nobody manages into state; write undeclared ones out as YAML stack files")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment to import from")
    .addOption(tsTimeoutOption())
    .option("--out <dir>", "where to write undeclared objects (default: <stack>/imported)")
    .option("--kinds <kinds>", "only these kinds, comma-separated (`--kinds event` reads the account's event catalogue)", kindList)
    .option("--force", "also import objects another stack's owner mark claims")
    .option("--lock-timeout <duration>", "wait this long for another run's lock (e.g. 30s)", durationOption)
    .action(engineAction(runImport));
}

function kindList(v: string): Kind[] {
  const kinds = v.split(",").map((k) => k.trim()).filter(Boolean);
  const bad = kinds.find((k) => !(KINDS as readonly string[]).includes(k));
  if (bad !== undefined) throw new InvalidArgumentError(`\`${bad}\` is not a kind: ${suggestion(bad, KINDS, "kinds")}`);
  return kinds as Kind[];
}
