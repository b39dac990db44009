import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { apply, currentActor, gitCommit } from "../apply";
import { warning } from "../diagnostics";
import { address, KINDS, type Kind, type Resource } from "../model";
import { suggestion } from "../diagnostics/suggest";
import type { LiveObject } from "../provider";
import { makePlan, refresh, type Plan } from "../plan";
import { emitStackYaml } from "../stack/emit";
import { loadStack } from "../stack";
import { engineAction, openStack, reportDiagnostics } from "./context";
import { progress } from "./progress";

const NAME = /^[a-z][a-z0-9_]*$/;

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
export async function runImport(path: string, opts: { env?: string; out?: string; kinds?: Kind[] }): Promise<void> {
  const ctx = await openStack(path, opts, { provider: true });
  if (!ctx) return;
  const { provider, backend, loaded } = ctx;
  const actor = currentActor(loaded.baseDir);
  const lock = await backend.lock("import", actor);
  try {
    const state = await backend.read();
    const kinds = KINDS.filter((k) => provider!.capabilities[k]?.read && (!opts.kinds || opts.kinds.includes(k)));
    const p = progress();
    ctx.listen(p.sink);
    const { live } = await refresh(provider!, kinds, { state, events: p.sink });
    p.done();

    const claimed = new Set(Object.values(state.resources).map((s) => `${s.kind}\0${s.id}`));
    const declared = new Set(ctx.stack.resources.map((r) => address(r.kind, r.name)));
    const seen = new Set<string>();
    const undeclared: LiveObject[] = [];
    for (const o of live) {
      const a = address(o.kind, o.name);
      if (claimed.has(`${o.kind}\0${o.id}`) || declared.has(a)) continue;
      if (!NAME.test(o.name) || seen.has(a)) {
        reportDiagnostics([
          warning("import/skipped", `live ${o.kind} ${JSON.stringify(o.name)} (id ${o.id}) is not imported: ${seen.has(a) ? "another live object has the same name" : "its name is not lower_snake_case"}`, {
            hint: "rename it in the platform, then import again",
          }),
        ]);
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
        { source: `${provider!.name} (${ctx.stack.environment})` },
      ).filter((f) => !(insideStack && f.path === "mops.yaml"));
      mkdirSync(outDir, { recursive: true });
      for (const f of files) {
        const target = insideStack ? freePath(outDir, f.path) : join(outDir, f.path);
        writeFileSync(target, f.text);
        written.push(target);
      }
    }

    // Adopt what the stack declares now, written files included.
    const again = await loadStack(path, { environment: ctx.stack.environment, env: process.env });
    if (!again.value) {
      reportDiagnostics(again.diagnostics, again.value);
      process.stderr.write("The imported files do not load as part of the stack; nothing was adopted.\n");
      process.exitCode = 1;
      return;
    }
    const desired = again.value.stack;
    const full = makePlan({ desired, state, live, provider: provider!, refreshed: kinds });
    const changes = full.changes
      .filter((c) => c.action === "adopt")
      .map((c) => ({ ...c, attributes: [], reasons: ["imported from the platform"] }));
    const plan: Plan = { ...full, changes, summary: { add: 0, change: 0, replace: 0, destroy: 0, manual: 0, adopt: changes.length, drifted: 0 } };
    const shown = (f: string) => relative(process.cwd(), f) || f;
    if (written.length) process.stdout.write(`Wrote ${undeclared.length} objects to:\n${written.map((f) => `  ${shown(f)}`).join("\n")}\n`);
    if (!changes.length) {
      process.stdout.write(written.length ? "Add them to the stack to adopt them (the next apply adopts them by name).\n" : "Nothing to import: every live object is already managed.\n");
      return;
    }
    const commit = gitCommit(loaded.baseDir);
    const r = await apply(plan, {
      provider: provider!, backend, desired, state, live, events: progress().sink,
      meta: { actor, command: "import", ...(commit ? { gitCommit: commit } : {}) },
    });
    process.stdout.write(`Imported ${r.done} objects into state${r.version ? ` (version ${r.version.version})` : ""}.\n`);
    if (written.length && !insideStack) process.stdout.write(`Objects written outside the stack are adopted once their files join it.\n`);
    if (r.outcome !== "complete") process.exitCode = 1;
  } finally {
    await backend.unlock(lock.id);
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("import")
    .description("adopt live platform objects into state by name; write undeclared ones out as YAML stack files")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment to import from")
    .option("--out <dir>", "where to write undeclared objects (default: <stack>/imported)")
    .option("--kinds <kinds>", "only these kinds, comma-separated (`--kinds event` reads the account's event catalogue)", kindList)
    .action(engineAction(runImport));
}

function kindList(v: string): Kind[] {
  const kinds = v.split(",").map((k) => k.trim()).filter(Boolean);
  const bad = kinds.find((k) => !(KINDS as readonly string[]).includes(k));
  if (bad !== undefined) throw new InvalidArgumentError(`\`${bad}\` is not a kind: ${suggestion(bad, KINDS, "kinds")}`);
  return kinds as Kind[];
}
