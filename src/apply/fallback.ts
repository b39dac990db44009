import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { StateDelta, StateStore } from "../state/types";

const FILE = "unrecorded.jsonl";

/**
 * Where a run writes the results of operations that finished after its state
 * store failed (a database that went away mid-apply): a file on this machine,
 * fsync'ed, that the next run here records into the store before anything else.
 */
export class FallbackJournal {
  constructor(private readonly dir: string) {}

  private get path() {
    return join(this.dir, FILE);
  }

  async append(lineage: string, deltas: readonly StateDelta[]): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const h = await fs.open(this.path, "a");
    try {
      await h.write(deltas.map((delta) => JSON.stringify({ lineage, delta })).join("\n") + "\n");
      await h.sync();
    } finally {
      await h.close();
    }
  }

  /** Record what an earlier run here could not, then forget it. Returns how many deltas were recorded. */
  async drainInto(store: StateStore): Promise<number> {
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch {
      return 0;
    }
    const lineage = (await store.read()).lineage;
    let n = 0;
    for (const line of text.split("\n")) {
      let entry: { lineage?: string; delta?: StateDelta };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // a torn last line: never acknowledged
      }
      if (entry.lineage !== lineage || !entry.delta) continue;
      await store.apply(entry.delta);
      n++;
    }
    await fs.rm(this.path, { force: true });
    return n;
  }
}
