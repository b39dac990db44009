import { ChainVerifier, sealVersion } from "../chain";
import { readVersion, summaryOf } from "../versions";
import type { HistoryCheck, HistoryStore, HistoryVersion, VersionInput, VersionSummary } from "../types";
import type { Connection } from "./connection";

const UNIQUE_VIOLATION = "23505";
/** Versions read at a time when verifying: memory stays bounded by this, not by the history. */
const BATCH = 100;

interface HistoryRow {
  version: number;
  content: Omit<HistoryVersion, "hash">;
  hash: string;
}

/** History in `mops_history`: the content as jsonb, the summary beside it so a page never reads a desired stack. */
export class PostgresHistoryStore implements HistoryStore {
  constructor(
    private readonly db: Connection,
    private readonly stack: string,
    private readonly environment: string,
  ) {}

  /** The primary key makes a second version N impossible; the loser of a race takes N+1. */
  async append(v: VersionInput): Promise<HistoryVersion> {
    for (;;) {
      const last = await this.db.q<{ version: number; hash: string }>(
        "SELECT version, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version DESC LIMIT 1",
        [this.stack, this.environment],
      );
      const sealed = sealVersion(v, last.rows[0]);
      const { hash, ...content } = sealed;
      try {
        await this.db.q(
          `INSERT INTO mops_history (stack, environment, version, time, actor, command, outcome, content, prev_hash, hash, summary)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb)`,
          [this.stack, this.environment, sealed.version, sealed.time, sealed.actor, sealed.command, sealed.outcome,
            JSON.stringify(content), sealed.prevHash, hash, JSON.stringify(summaryOf(sealed))],
        );
        return sealed;
      } catch (e) {
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
  }

  async latest(): Promise<HistoryVersion | undefined> {
    const r = await this.db.q<HistoryRow>(
      "SELECT version, content, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version DESC LIMIT 1",
      [this.stack, this.environment],
    );
    return r.rows[0] && this.toVersion(r.rows[0]);
  }

  async get(n: number): Promise<HistoryVersion | undefined> {
    if (!Number.isInteger(n) || n < 1) return undefined;
    const r = await this.db.q<HistoryRow>(
      "SELECT version, content, hash FROM mops_history WHERE stack = $1 AND environment = $2 AND version = $3",
      [this.stack, this.environment, n],
    );
    return r.rows[0] && this.toVersion(r.rows[0]);
  }

  async page(opts: { limit: number; before?: number }): Promise<{ versions: VersionSummary[]; total: number }> {
    const r = await this.db.q<{ version: number; summary: VersionSummary | null; total: string }>(
      `SELECT version, summary, (SELECT count(*) FROM mops_history h2 WHERE h2.stack = $1 AND h2.environment = $2) AS total
       FROM mops_history WHERE stack = $1 AND environment = $2 AND ($3::int IS NULL OR version < $3)
       ORDER BY version DESC LIMIT $4`,
      [this.stack, this.environment, opts.before ?? null, opts.limit],
    );
    const versions: VersionSummary[] = [];
    for (const row of r.rows) {
      // Rows written before the summary column: read the version itself.
      versions.push(row.summary ?? summaryOf((await this.get(row.version))!));
    }
    return { versions, total: Number(r.rows[0]?.total ?? (await this.count())) };
  }

  async verify(upTo?: number): Promise<HistoryCheck> {
    const verifier = new ChainVerifier();
    for (let from = 1; ; ) {
      const r = await this.db.q<HistoryRow & { prev_hash: string }>(
        `SELECT version, content, prev_hash, hash FROM mops_history
         WHERE stack = $1 AND environment = $2 AND version >= $3 AND ($4::int IS NULL OR version <= $4)
         ORDER BY version LIMIT $5`,
        [this.stack, this.environment, from, upTo ?? null, BATCH],
      );
      for (const row of r.rows) {
        const ok = verifier.push(
          row.prev_hash === row.content.prevHash
            ? { slot: row.version, value: { ...row.content, hash: row.hash } }
            : { slot: row.version, problem: "prev_hash column differs from the prevHash in its content" },
        );
        if (!ok) return verifier.result(upTo);
      }
      if (r.rows.length < BATCH) return verifier.result(upTo);
      from = r.rows.at(-1)!.version + 1;
    }
  }

  private async count(): Promise<number> {
    const r = await this.db.q<{ n: string }>("SELECT count(*) AS n FROM mops_history WHERE stack = $1 AND environment = $2", [this.stack, this.environment]);
    return Number(r.rows[0]?.n ?? 0);
  }

  private toVersion(row: HistoryRow): HistoryVersion {
    return readVersion({ ...row.content, hash: row.hash }, `version ${row.version} of ${this.stack}/${this.environment} in mops_history`);
  }
}
