import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { recordRegistrations, settled } from "./mocks";

/**
 * What Pulumi's dynamic-provider host does with a resource's `__provider`:
 * load the serialised text as a CommonJS module in another process, call
 * `handler()`, then the CRUD functions. The Pulumi CLI cannot be installed
 * here, so a child process plays the host (Node with the tsx loader, as the
 * docs tell users to run it) against a sandbox in a temp directory.
 */
const dir = mkdtempSync(join(tmpdir(), "mops-pulumi-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TSX = new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const HOST = `
const Module = require("node:module");
const fs = require("node:fs");
const m = new Module("provider.js");
m._compile(fs.readFileSync("provider.js", "utf8"), "provider.js");
const p = m.exports.handler();
(async () => {
  const provider = { type: "sandbox", data_dir: "platform" };
  const bad = await p.check({}, { provider, name: "vip", spec: { type: "sometimes" } });
  const made = await p.create({ provider, name: "vip", spec: { type: "static", description: "hosted" } });
  const read = await p.read(made.id, made.outs);
  const diff = await p.diff(made.id, made.outs, { provider, name: "vip", spec: { type: "static" } });
  await p.delete(made.id, made.outs);
  const gone = await p.read(made.id, made.outs);
  process.stdout.write(JSON.stringify({ failures: bad.failures, outs: made.outs, same: JSON.stringify(read.props) === JSON.stringify(made.outs), diff, gone }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

it("the serialised provider runs in a separate host process", async () => {
  const registered = await recordRegistrations("p", "s");
  const { Segment } = await import("../../../src/pulumi");
  await settled([new Segment("vip", { provider: { type: "sandbox" }, spec: { type: "static" } })]);
  writeFileSync(join(dir, "provider.js"), registered[0]!.inputs.__provider as string);
  writeFileSync(join(dir, "host.cjs"), HOST);

  const { stdout } = await promisify(execFile)(process.execPath, ["--import", TSX, "host.cjs"], { cwd: dir, env: { ...process.env, NODE_OPTIONS: "" }, timeout: 60_000 });
  const r = JSON.parse(stdout);
  expect(r.failures).toEqual([{ property: "spec.type", reason: expect.stringContaining("`sometimes`") }]);
  expect(r.outs).toMatchObject({ name: "vip", spec: { type: "static", description: "hosted" } });
  expect(r.same).toBe(true);
  expect(r.diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(r.gone).toEqual({});
});
