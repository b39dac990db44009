import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBackend } from "../../../src/state";
import { PostgresBackend } from "../../../src/state/postgres";
import { LockedError, type HistoryVersion } from "../../../src/state/types";
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type TestPostgres } from "../../helpers/postgres";
import { conformance } from "./conformance";
import { record, resource } from "./fixtures";

let server: TestPostgres | undefined;
let admin: pg.Client;
let stacks = 0;

/** Each test gets its own stack name on the one throwaway cluster: a fresh store without a fresh server. */
function store() {
  const stack = `shop${++stacks}`;
  const where = [stack, "prod"];
  return {
    stack,
    open: () => new PostgresBackend({ url: server!.url, stack, environment: "prod", localDir: "/nonexistent" }),
    async tamper(n: number, edit: (v: HistoryVersion) => HistoryVersion) {
      const r = await admin.query("SELECT content, hash FROM mops_history WHERE stack = $1 AND environment = $2 AND version = $3", [...where, n]);
      const { hash, ...content } = edit({ ...r.rows[0].content, hash: r.rows[0].hash });
      await admin.query("UPDATE mops_history SET content = $4::jsonb, hash = $5 WHERE stack = $1 AND environment = $2 AND version = $3", [
        ...where,
        n,
        JSON.stringify(content),
        hash,
      ]);
    },
    async remove(n: number) {
      await admin.query("DELETE FROM mops_history WHERE stack = $1 AND environment = $2 AND version = $3", [...where, n]);
    },
    dispose: async () => undefined,
  };
}

const bin = findPostgresBin();
if (!bin && process.env.CI) {
  describe("postgres state backend", () => {
    it("needs PostgreSQL 15 server binaries in CI", () => {
      throw new Error(POSTGRES_MISSING);
    });
  });
} else if (!bin) {
  console.warn(`\n**********\n  SKIPPING the postgres state backend tests: ${POSTGRES_MISSING}\n**********\n`);
  describe.skip("postgres state backend (no PostgreSQL binaries)", () => {
    it("runs the conformance suite", () => undefined);
  });
} else {
  beforeAll(async () => {
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  conformance("postgres", async () => store());

  describe("postgres state backend specifics", () => {
    it("frees the lock by itself when the holder's session dies (no force-unlock needed)", async () => {
      const s = store();
      const a = s.open();
      const b = s.open();
      try {
        const held = await a.locker.lock("apply", "ana@laptop");
        const info = held.info;
        await expect(b.locker.lock("apply", "ci@runner")).rejects.toBeInstanceOf(LockedError);
        // What a crash looks like to the server: the holder's connection goes away.
        await admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = (SELECT backend_pid FROM mops_lock WHERE id = $1)", [
          info.id,
        ]);
        expect(await b.locker.current()).toBeUndefined();
        const taken = await b.locker.lock("apply", "ci@runner");
        expect(await s.open().locker.current()).toEqual(taken.info);
        // The first holder learns it before its next operation, and must not go on writing state another run now owns.
        await expect(held.assertHeld()).rejects.toThrow(/no longer holds the state lock/);
        await expect(record(a, "segment.vip", resource("vip"))).rejects.toThrow(/connection that held the state lock was lost/);
        await expect(record(b, "segment.vip", resource("vip"))).resolves.toMatchObject({ serial: expect.any(Number) });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it("creates its tables once even when several instances start together on an empty database", async () => {
      const url = await server!.createDatabase("mops_fresh");
      const bs = Array.from({ length: 4 }, () => new PostgresBackend({ url, stack: "shop", environment: "prod", localDir: "/nonexistent" }));
      try {
        await Promise.all(bs.map((b) => record(b, "segment.vip", resource("vip"))));
        expect((await bs[0]!.state.read()).serial).toBe(4);
      } finally {
        await Promise.all(bs.map((b) => b.close()));
      }
    });

    it("is what openBackend gives for a `postgres` state block whose url names a variable", async () => {
      const r = await openBackend(
        { backend: "postgres", url: "${env:MOPS_STATE_URL}" },
        { stack: "opened", environment: "prod", baseDir: "/nonexistent", env: { MOPS_STATE_URL: server!.url } },
      );
      expect(r.diagnostics).toEqual([]);
      expect(r.value?.kind).toBe("postgres");
      expect((await record(r.value!, "segment.vip", resource("vip"))).serial).toBe(1);
      await r.value!.close();
    });

    it("says what is wrong in an error without the password or the URL", async () => {
      const url = server!.url.replace("mops@", "mops:s3cr3t-pw@").replace(/\/mops_test$/, "/no_such_db");
      const b = new PostgresBackend({ url, stack: "x", environment: "prod", localDir: "/nonexistent" });
      const err = await b.state.read().catch((e: unknown) => e as Error);
      await b.close();
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain("no_such_db");
      expect((err as Error).message).not.toContain("s3cr3t-pw");
      expect((err as Error).message).not.toContain(url);
    });
  });
}
