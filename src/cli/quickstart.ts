import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { exampleDir } from "./example";
import { colorEnabled } from "./render";
import { engineAction } from "./context";
import { runPlan } from "./plan";
import { runApplyCommand } from "./apply";
import { runHistory } from "./history";

/**
 * The README's main job in one command: the example stack, copied to a
 * working directory with its own `.mops`, planned and applied on the embedded
 * sandbox platform, then the history it recorded.
 */
export async function runQuickstart(opts: { dir?: string }): Promise<void> {
  const c = pc.createColors(colorEnabled(process.stdout));
  const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), "mops-quickstart-"));
  if (!existsSync(dir) || readdirSync(dir).filter((f) => !f.startsWith(".")).length === 0) cpSync(exampleDir(), dir, { recursive: true, filter: (src) => !/[\\/]\.mops$/.test(src) });
  const step = (n: number, title: string, cmd: string) =>
    process.stdout.write(`\n${c.bold(c.cyan(`── ${n}. ${title}`))} ${c.dim(`($ mops ${cmd})`)}\n\n`);

  process.stdout.write(`${c.bold("Mops quickstart")}: the example stack in ${dir}\non the embedded sandbox platform (nothing leaves this machine).\n`);
  const planFile = join(dir, "plan.json");
  step(1, "Plan: what would change, saved for review", "plan --out plan.json");
  await runPlan(dir, { out: planFile });
  if (process.exitCode) return;
  step(2, "Apply: exactly the reviewed plan", "apply plan.json");
  await runApplyCommand(planFile, { stack: dir });
  if (process.exitCode) return;
  step(3, "History: every apply is a version", "history");
  await runHistory(dir, {});
  // Installed, `mops` is on the PATH; in a clone `npx mops` is (it resolves to this package only there).
  process.stdout.write(
    `\nNext: edit ${join(dir, "mops.yaml")}, then \`mops plan ${dir}\` and \`mops apply ${dir}\`\n` +
      "(in a clone without `npm link`: `npx mops …`). `mops show 1 <dir>` shows what was recorded;\n" +
      "after your next apply, `mops diff 1 2 <dir>` and `mops rollback 1 <dir>`.\n",
  );
}

export function register(program: Command): void {
  program
    .command("quickstart")
    .description("plan and apply the example stack on the embedded sandbox, then show the history")
    .option("--dir <dir>", "working directory (default: a new temporary directory); reused when it already holds the stack")
    .action(engineAction(runQuickstart));
}
