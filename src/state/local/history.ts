import { promises as fs } from "node:fs";
import { join } from "node:path";
import { ChainVerifier, sealVersion, type StoredVersion } from "../chain";
import { createExclusive, errno, readIfExists } from "./files";
import { readVersion, summaryOf } from "../versions";
import { StateError, type HistoryCheck, type HistoryStore, type HistoryVersion, type VersionInput, type VersionSummary } from "../types";

const VERSION_FILE = /^(\d+)\.json$/;

/**
 * History as one immutable file per version (`history/000001.json`, created
 * only if absent) and a hint of the newest number (`history/latest`), so that
 * the newest version and a page of summaries cost reads of those files only,
 * however long the history is. The hint is only a hint: it is checked against
 * the files and moved forward past versions written after it.
 */
export class LocalHistoryStore implements HistoryStore {
  constructor(private readonly dir: string) {}

  private path(n: number) {
    return join(this.dir, `${String(n).padStart(6, "0")}.json`);
  }
  private get hintPath() {
    return join(this.dir, "latest");
  }

  async append(v: VersionInput): Promise<HistoryVersion> {
    await fs.mkdir(this.dir, { recursive: true });
    for (;;) {
      const prev = await this.latest();
      const sealed = sealVersion(v, prev);
      // Another writer may have taken this number since: then look again.
      if (await createExclusive(this.path(sealed.version), JSON.stringify(sealed, null, 2) + "\n")) {
        await fs.writeFile(this.hintPath, `${sealed.version}\n`).catch(() => undefined);
        return sealed;
      }
    }
  }

  async latest(): Promise<HistoryVersion | undefined> {
    const n = await this.newest();
    return n === 0 ? undefined : this.get(n);
  }

  async get(n: number): Promise<HistoryVersion | undefined> {
    if (!Number.isInteger(n) || n < 1) return undefined;
    const text = await readIfExists(this.path(n));
    if (text === undefined) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new StateError(`${this.path(n)} is not valid JSON (${(e as Error).message})`, "run `mops history --verify`, and restore the history from a backup");
    }
    return readVersion(raw, this.path(n));
  }

  async page(opts: { limit: number; before?: number }): Promise<{ versions: VersionSummary[]; total: number }> {
    const total = await this.newest();
    const top = Math.min(total, (opts.before ?? total + 1) - 1);
    const versions: VersionSummary[] = [];
    for (let n = top; n >= 1 && versions.length < opts.limit; n--) {
      const v = await this.get(n);
      if (v) versions.push(summaryOf(v));
    }
    return { versions, total };
  }

  async verify(upTo?: number): Promise<HistoryCheck> {
    const last = upTo ?? (await this.newest());
    const verifier = new ChainVerifier();
    for (let n = 1; n <= last; n++) {
      const text = await readIfExists(this.path(n));
      if (text === undefined) {
        // A gap: the next stored number tells the verifier what is missing.
        const next = (await this.numbers()).find((x) => x > n);
        if (next !== undefined) verifier.push({ slot: next });
        break;
      }
      const stored: StoredVersion = { slot: n };
      try {
        stored.value = JSON.parse(text);
      } catch {
        stored.problem = `${this.path(n)} is not valid JSON`;
      }
      if (!verifier.push(stored)) break;
    }
    return verifier.result(upTo);
  }

  /** The newest stored number: the hint, moved forward past later files; the directory listing when there is no usable hint. */
  private async newest(): Promise<number> {
    const hint = Number((await readIfExists(this.hintPath))?.trim());
    let n: number;
    if (Number.isInteger(hint) && hint >= 1 && (await exists(this.path(hint)))) n = hint;
    else n = (await this.numbers()).at(-1) ?? 0;
    while (await exists(this.path(n + 1))) n++;
    return n;
  }

  /** Every stored version number, ascending. */
  private async numbers(): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (e) {
      if (errno(e) === "ENOENT") return [];
      throw e;
    }
    return names
      .map((f) => VERSION_FILE.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }
}

const exists = (path: string) =>
  fs.stat(path).then(
    () => true,
    () => false,
  );
