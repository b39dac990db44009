import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * Where PostgreSQL server binaries live: $MOPS_PG_BIN, Debian's 15, then any
 * other Debian version (.ci/run falls back to the distribution's `postgresql`).
 */
export function findPostgresBin(): string | undefined {
  const debian = "/usr/lib/postgresql";
  const others = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)).map((v) => join(debian, v, "bin")) : [];
  const candidates = [process.env.MOPS_PG_BIN, join(debian, "15", "bin"), ...others, "/usr/local/pgsql/bin"];
  for (const dir of candidates) if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  return undefined;
}

export const POSTGRES_MISSING =
  "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/<version>/bin or $MOPS_PG_BIN: " +
  "install them with `apt-get install -y postgresql-15` (what .ci/run does)";

export interface TestPostgres {
  /** postgres://mops@127.0.0.1:PORT/DB */
  url: string;
  /** A fresh empty database on the same cluster. */
  createDatabase(name: string): Promise<string>;
  /** Kill the server as a crash would (immediate shutdown), keeping its data. */
  halt(): Promise<void>;
  /** Start it again on the same port after `halt`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway cluster in a temp dir on a free port, trust auth, user `mops`.
 * initdb refuses to run as root, so as root the commands run as `postgres`.
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = await mkdtemp(join(tmpdir(), "mops-pg-"));
  const asRoot = process.getuid?.() === 0;
  const sh = async (cmd: string) => {
    if (asRoot) await run("su", ["postgres", "-s", "/bin/sh", "-c", cmd]);
    else await run("/bin/sh", ["-c", cmd]);
  };
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, "data");
  const stop = async () => {
    await sh(`${bin}/pg_ctl -D ${data} -m immediate -w stop`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // A test cluster need not survive a power cut, and fsyncs cost seconds on a shared disk; benches ask for `durable`.
    const fast = opts.durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    await sh(`${bin}/initdb -D ${data} -A trust -U mops --no-sync >${dir}/initdb.log 2>&1`);
    let port = 0;
    const start = () => sh(`${bin}/pg_ctl -D ${data} -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fast}" -l ${dir}/log -w -t 60 start >/dev/null`);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (e) {
        // Another process may have taken the port between our probe and the server's bind.
        if (attempt >= 2) throw e;
      }
    }
    const base = `postgres://mops@127.0.0.1:${port}`;
    const createDatabase = async (name: string) => {
      const c = new pg.Client({ connectionString: `${base}/postgres` });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } finally {
        await c.end();
      }
      return `${base}/${name}`;
    };
    const halt = () => sh(`${bin}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`);
    return { url: await createDatabase("mops_test"), createDatabase, halt, restart: start, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
