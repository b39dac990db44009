import pc from "picocolors";
import type { EngineEvent, EventSink } from "../plan/events";
import type { Phase } from "../plan/types";
import { renderDiagnostic } from "../report/diagnostics";
import { colorEnabled } from "./render";

const VERB: Record<Phase, string> = {
  create: "creating", update: "updating", delete: "destroying", adopt: "adopting",
  retire: "stopping new entries", confirm: "recording the manual change",
};

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  sink: EventSink;
  /** Clears the live line (call before printing anything else). */
  done(): void;
}

/**
 * Apply progress for people: on a terminal, finished operations scroll above
 * one live line (completed/total and what is running); elsewhere (CI, pipes)
 * one plain line per finished operation.
 */
export function progress(stream: Stream = process.stderr): Progress {
  const tty = !!stream.isTTY;
  const c = pc.createColors(colorEnabled(stream));
  const running = new Map<string, Phase>();
  let total = 0, finished = 0, live = false;

  const clear = () => {
    if (live) stream.write("\r\x1b[K");
    live = false;
  };
  const draw = () => {
    if (!tty || !total) return;
    const now = [...running.keys()];
    const shown = now.slice(0, 3).join(", ") + (now.length > 3 ? ` +${now.length - 3}` : "");
    const line = `[${finished}/${total}] ${shown}`;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 100) - 1)}`);
    live = true;
  };
  const say = (line: string) => {
    clear();
    stream.write(`${line}\n`);
    draw();
  };

  const sink = (e: EngineEvent): void => {
    switch (e.type) {
      case "refresh-start":
        if (tty) say(c.dim(`Refreshing ${e.kinds.length} kinds…`));
        break;
      case "refresh-done":
        say(c.dim(`Read ${e.objects} live objects${e.requests !== undefined ? ` in ${e.requests} requests` : ""} (${e.ms} ms).`));
        break;
      case "apply-start":
        total = e.total;
        finished = 0;
        draw();
        break;
      case "recovered": {
        const r = e.run;
        say(c.yellow(`Recovered an apply by ${r.actor} (started ${r.startedAt}) that was killed: ${r.finished} finished operation${r.finished === 1 ? "" : "s"}${e.version !== undefined ? ` recorded as version ${e.version}` : ""}${r.abandoned ? `, ${r.abandoned} that never happened` : ""}.`));
        break;
      }
      case "op-start":
        running.set(e.address, e.phase);
        draw();
        break;
      case "op-done":
        running.delete(e.address);
        finished++;
        say(`${e.address}: ${VERB[e.phase]}… ${c.green("done")} (${e.ms} ms${e.id ? `, id ${e.id}` : ""})`);
        break;
      case "op-failed":
        running.delete(e.address);
        finished++;
        say(`${e.address}: ${VERB[e.phase]}… ${c.red("failed")}\n${renderDiagnostic(e.diagnostic, { color: colorEnabled(stream) }).trimEnd()}`);
        break;
      case "op-skipped":
        finished++;
        say(`${e.address}: ${c.yellow("skipped")} (${e.because})`);
        break;
      case "retry":
        say(c.dim(`${e.address ? `${e.address}: ` : ""}retrying in ${e.waitMs} ms (attempt ${e.attempt}: ${e.reason})`));
        break;
      case "message":
        say(e.level === "warn" ? c.yellow(e.text) : e.text);
        break;
      case "apply-done":
        clear();
        break;
    }
  };
  return { sink, done: clear };
}
