import { execFile } from "node:child_process";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string> | string;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

/** Where npm keeps a tarball of this integrity (cacache: content addressed, `npm ci` filled it). */
function cachedTarball(cache: string, integrity: string): string {
  const [algo, b64] = integrity.split(" ")[0]!.split("-") as [string, string];
  const hex = Buffer.from(b64, "base64").toString("hex");
  return join(cache, "_cacache", "content-v2", algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

const semverKey = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? p.padStart(10, "0") : p)).join(".");

/**
 * A package registry on 127.0.0.1 that knows exactly the packages the lock
 * file pins and serves their tarballs from the local npm cache, so a test can
 * run `npm install` as a user does without the network. npm's own cache holds
 * the tarballs after `npm ci`, but not the registry's package documents that
 * an install outside the lock file needs: those are made here from the lock.
 */
export async function lockFileRegistry(lockFile: string): Promise<{ url: string; close: () => Promise<void> }> {
  const cache = (await promisify(execFile)("npm", ["config", "get", "cache"])).stdout.trim();
  const lock = JSON.parse(readFileSync(lockFile, "utf8")) as { packages: Record<string, LockEntry> };
  const packuments = new Map<string, { name: string; "dist-tags": { latest: string }; versions: Record<string, unknown> }>();
  const tarballs = new Map<string, string>();
  let url = "";
  for (const [key, e] of Object.entries(lock.packages)) {
    // Registry packages only (the lock may leave their URL out); not links, git or file dependencies.
    if (!key || e.link || !e.version || !e.integrity || (e.resolved && !e.resolved.startsWith("https://registry.npmjs.org/"))) continue;
    const name = e.name ?? key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    const doc = packuments.get(name) ?? { name, "dist-tags": { latest: e.version }, versions: {} };
    const file = `/-/tarball/${tarballs.size}.tgz`;
    tarballs.set(file, cachedTarball(cache, e.integrity));
    const { dependencies, optionalDependencies, peerDependencies, peerDependenciesMeta, bin, engines, os, cpu } = e;
    doc.versions[e.version] = {
      name, version: e.version, dependencies, optionalDependencies, peerDependencies, peerDependenciesMeta, bin, engines, os, cpu,
      dist: { integrity: e.integrity, get tarball() { return url + file; } },
    };
    if (semverKey(e.version) > semverKey(doc["dist-tags"].latest)) doc["dist-tags"].latest = e.version;
    packuments.set(name, doc);
  }
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const tarball = tarballs.get(path);
    if (tarball && existsSync(tarball)) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      createReadStream(tarball).pipe(res);
      return;
    }
    const doc = packuments.get(path.slice(1));
    if (doc) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(doc));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((done) => server.close(() => done())) };
}
