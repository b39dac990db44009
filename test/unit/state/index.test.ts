import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalBackend, newState, openBackend, redact } from "../../../src/state";

const ctx = { stack: "shop", environment: "prod", baseDir: "/repo/stacks/shop", env: {} };

describe("openBackend", () => {
  it("is local under <baseDir>/.mops/<stack>/<environment> by default", async () => {
    const r = await openBackend(undefined, ctx);
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toBeInstanceOf(LocalBackend);
    expect((r.value as LocalBackend).dir).toBe("/repo/stacks/shop/.mops/shop/prod");
    const custom = await openBackend({ backend: "local", path: "../state" }, ctx);
    expect((custom.value as LocalBackend).dir).toBe("/repo/stacks/state/shop/prod");
  });

  it("reports a postgres url naming an unset variable, with the variable's name and a hint", async () => {
    const range = { file: "/repo/stacks/shop/stack.yaml", line: 4, col: 3 };
    const r = await openBackend({ backend: "postgres", url: "${env:MOPS_STATE_URL}" }, { ...ctx, range });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: "secret/missing-env", severity: "error", range, message: expect.stringContaining("MOPS_STATE_URL"), hint: expect.any(String) }),
    ]);
    const obj = await openBackend({ backend: "postgres", url: { env: "PGURL" } }, ctx);
    expect(obj.diagnostics[0]?.code).toBe("secret/missing-env");
    const none = await openBackend({ backend: "postgres" }, ctx);
    expect(none.diagnostics[0]?.code).toBe("state/postgres-url");
  });

  it("turns an unreachable server into a diagnostic without the password", async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), "mops-url-"));
    try {
      // Port 1 on loopback refuses at once: no network is touched.
      await fs.writeFile(join(dir, "url"), "postgres://mops:hunter2-secret@127.0.0.1:1/mops\n");
      const r = await openBackend({ backend: "postgres", url: { file: "url" } }, { ...ctx, baseDir: dir });
      expect(r.value).toBeUndefined();
      expect(r.diagnostics[0]).toMatchObject({ code: "state/postgres-unreachable", severity: "error" });
      expect(JSON.stringify(r.diagnostics)).not.toContain("hunter2");
      const missing = await openBackend({ backend: "postgres", url: { file: "nope" } }, { ...ctx, baseDir: dir });
      expect(missing.diagnostics[0]?.code).toBe("secret/unreadable-file");
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe("redact", () => {
  const url = "postgres://mops:p%40ss-w0rd@db.internal:5432/state";
  it("removes the url, the decoded password and any credentialed URL", () => {
    const msg = `connect failed for ${url}: password "p@ss-w0rd" rejected; also postgresql://x:y@h/d`;
    const out = redact(msg, url);
    expect(out).not.toContain("p@ss-w0rd");
    expect(out).not.toContain("p%40ss-w0rd");
    expect(out).not.toContain("x:y@");
    expect(out).toContain("connect failed for <state url>");
  });
  it("handles key=value connection strings", () => {
    expect(redact("bad password topsecret", "host=h password=topsecret dbname=d")).toBe("bad password ***");
  });
});

describe("newState", () => {
  it("is empty at serial 0 with a fresh lineage each time", () => {
    const a = newState("shop", "prod");
    expect(a).toMatchObject({ stack: "shop", environment: "prod", serial: 0, resources: {} });
    expect(newState("shop", "prod").lineage).not.toBe(a.lineage);
  });
});
