import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { KIND_KEYS, KIND_OF_KEY, KINDS, type Kind } from "../../../src/model";
import { refsOf } from "../refs";
import { parseFaults, parseFaultsJson, seededRandom, TokenBucket, type Faults } from "./faults";
import { Store } from "./store";
import { DEFAULT_PAGE, MAX_PAGE, SERVER_FIELDS, specOf, type ListResponse, type WireObject } from "../protocol";
import { validateSpec, type FieldError } from "./validate";
import { Audience, sandboxClock } from "./audience";
import { ContactStore } from "./contacts";

export type { Faults } from "./faults";

/**
 * The sandbox marketing platform: a REST API over every kind with the habits
 * of a real one (server ids, revisions, validation, pagination, rate limits,
 * faults), so the provider talks to it exactly as it would to HubSpot.
 */
export interface SandboxServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Files per kind live here; in memory only when absent. */
  dataDir?: string;
  /** Bearer token the API requires; open when absent. */
  token?: string;
  /** Requests per second before 429; unlimited when absent. */
  rateLimit?: number;
  /** The rate limit's clock in ms (tests freeze it); performance.now() by default. */
  clock?: () => number;
  faults?: Faults;
  /** MOPS_SANDBOX_FAULTS is read from here (default process.env); explicit `faults` win. */
  env?: NodeJS.ProcessEnv;
  /** Embedded in another program: the server alone does not keep the process alive. */
  unref?: boolean;
  /** The clock audience sizes are computed at (default: MOPS_SANDBOX_CLOCK, else the wall clock). */
  now?: () => number;
}

export interface SandboxStats {
  requests: Record<string, number>;
  total: number;
  writes: number;
  rateLimited: number;
  injectedErrors: number;
  /** Time spent handling /v1 requests (routing, validation, storage, serialisation), for benchmarks. */
  serverMs: number;
  objects: Record<string, number>;
}

export interface SandboxServer {
  url: string;
  port: number;
  setFaults(f: Faults): void;
  stats(): SandboxStats;
  close(): Promise<void>;
}

const ID_PREFIX: Record<Kind, string> = {
  property: "prp", event: "evt", subscription_type: "sub", team: "team", role: "rol", user: "usr",
  template: "tpl", segment: "seg", frequency_cap: "cap", workflow: "wf",
};

/** A response body that is JSON text already. */
class RawJson {
  constructor(readonly text: string) {}
}

class HttpError {
  constructor(readonly status: number, readonly body: FieldError, readonly headers: Record<string, string> = {}) {}
}
const fail = (status: number, code: string, message: string, field?: string, headers?: Record<string, string>) =>
  new HttpError(status, { code, message, field }, headers);

export async function startSandboxServer(opts: SandboxServerOptions = {}): Promise<SandboxServer> {
  const fromEnv = parseFaultsJson((opts.env ?? process.env).MOPS_SANDBOX_FAULTS);
  if (fromEnv.problem) throw new Error(`sandbox: ${fromEnv.problem}`);
  const store = new Store(opts.dataDir);
  const audience = new Audience(store, new ContactStore(opts.dataDir), sandboxClock(opts.now, opts.env ?? process.env));
  const bucket = opts.rateLimit ? new TokenBucket(opts.rateLimit, opts.clock) : undefined;
  const sockets = new Set<Socket>();
  const counts = { requests: {} as Record<string, number>, total: 0, writes: 0, rateLimited: 0, injectedErrors: 0, serverMs: 0 };
  let faults: Faults = {};
  let dice = seededRandom(0);
  let writesSinceFaults = 0;
  let crashed = false;

  const setFaults = (f: Faults) => {
    faults = { ...f };
    dice = seededRandom(f.seed ?? 1);
    writesSinceFaults = 0;
  };
  setFaults({ ...fromEnv.faults, ...opts.faults });

  const stats = (): SandboxStats => ({
    ...counts,
    requests: { ...counts.requests },
    objects: Object.fromEntries(KINDS.map((k) => [k, store.of(k).size])),
  });

  /** Called once a write is on disk; the crash fault strikes here so the write survives it. */
  const afterWrite = () => {
    counts.writes++;
    writesSinceFaults++;
    if (faults.crashAfterWrites === undefined || writesSinceFaults < faults.crashAfterWrites) return;
    crashed = true;
    if ((faults.crashMode ?? "process") === "process") process.kill(process.pid, "SIGKILL");
    server.close();
    for (const s of sockets) s.destroy();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the emulator must still answer, or the client would hang on it.
      if (!res.headersSent) send(res, 500, { error: { code: "internal", message: String(e) } });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    // An idle keep-alive connection must not hold an embedding process open either.
    if (opts.unref) s.unref();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = req.method ?? "GET";
    const body = await readBody(req);
    if (crashed) return void res.destroy();
    if (url.pathname.startsWith("/_admin/")) return admin(method, url.pathname, body, res);
    counts.total++;
    counts.requests[method] = (counts.requests[method] ?? 0) + 1;
    // Like HubSpot's and Braze's X-RateLimit-* headers: a client may pace itself from them.
    const quota: Record<string, string> = {};
    try {
      const limited = bucket?.take();
      if (limited && !limited.ok) {
        counts.rateLimited++;
        const seconds = Math.max(1, Math.ceil(limited.waitMs / 1000));
        throw fail(429, "rate_limited", `more than ${opts.rateLimit} requests per second`, undefined, { "retry-after": String(seconds) });
      }
      if (limited) Object.assign(quota, { "x-ratelimit-limit": String(opts.rateLimit), "x-ratelimit-remaining": String(limited.remaining) });
      if (opts.token !== undefined && req.headers.authorization !== `Bearer ${opts.token}`) {
        throw fail(401, "unauthorized", "missing or wrong bearer token");
      }
      if (faults.errorRate && dice() < faults.errorRate) {
        counts.injectedErrors++;
        throw fail(503, "unavailable", "injected fault: service unavailable");
      }
      if (faults.throttleRate && dice() < faults.throttleRate) {
        counts.rateLimited++;
        throw fail(429, "rate_limited", "injected fault: too many requests", undefined, { "retry-after": String(faults.retryAfterSeconds ?? 1) });
      }
      if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
      const t0 = performance.now();
      const { status, payload, wrote } = api(method, url, body);
      if (wrote) afterWrite();
      if (crashed) return void res.destroy();
      send(res, status, payload, quota);
      counts.serverMs += performance.now() - t0;
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      send(res, e.status, { error: e.body }, { ...quota, ...e.headers });
    }
  }

  function api(method: string, url: URL, body: unknown): { status: number; payload?: unknown; wrote?: boolean } {
    const contacts = audience.route(method, url, body);
    if (contacts) return contacts;
    const m = /^\/v1\/([a-z_]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const kind = m ? KIND_OF_KEY[m[1]!] : undefined;
    if (!m || !kind) throw fail(404, "not_found", `no such endpoint ${url.pathname}`);
    const id = m[2] && decodeURIComponent(m[2]);
    const objects = store.of(kind);
    if (!id) {
      if (method === "GET") return { status: 200, payload: list(kind, url) };
      if (method === "POST") return { status: 201, payload: create(kind, body), wrote: true };
      throw fail(405, "method_not_allowed", `${method} is not allowed on ${url.pathname}`);
    }
    const current = objects.get(id);
    if (!current) throw fail(404, "not_found", `no ${kind} with id ${id}`);
    switch (method) {
      case "GET":
        return { status: 200, payload: current };
      case "PUT":
      case "PATCH":
        return { status: 200, payload: replace(kind, current, asObject(body), method === "PATCH"), wrote: true };
      case "DELETE": {
        const users = store.referrersOf(id);
        if (users.length > 0) throw fail(409, "in_use", `${kind} ${id} is used by ${users.slice(0, 5).join(", ")}${users.length > 5 ? ", …" : ""}`);
        store.delete(kind, id);
        return { status: 204, wrote: true };
      }
      default:
        throw fail(405, "method_not_allowed", `${method} is not allowed on ${url.pathname}`);
    }
  }

  /** The page is assembled from each object's cached JSON: listing 10,000 objects serialises none of them again. */
  function list(kind: Kind, url: URL): RawJson {
    const limitParam = url.searchParams.get("limit");
    const limit = limitParam === null ? DEFAULT_PAGE : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1) throw fail(400, "invalid_parameter", "`limit` must be a positive integer", "limit");
    const cursor = url.searchParams.get("cursor");
    const after = cursor === null ? 0 : decodeCursor(cursor);
    const page = store.of(kind).page(after, Math.min(limit, MAX_PAGE));
    const paging: ListResponse["paging"] = page.more && page.lastSeq !== undefined ? { next: { cursor: encodeCursor(page.lastSeq) } } : {};
    return new RawJson(`{"results":[${page.json.join(",")}],"paging":${JSON.stringify(paging)}}`);
  }

  function create(kind: Kind, body: unknown, persist = true): WireObject {
    const input = asObject(body);
    const name = checkName(kind, input.name);
    const spec = checkSpec(kind, specOf(input));
    const now = new Date().toISOString();
    const metadata = checkMetadata(input.metadata);
    const obj: WireObject = { id: `${ID_PREFIX[kind]}_${randomBytes(6).toString("hex")}`, name, revision: 1, createdAt: now, updatedAt: now, ...(metadata ? { metadata } : {}), ...spec };
    store.write(kind, obj, persist);
    return obj;
  }

  /**
   * Bulk load for benchmarks and tests (`{ "teams": [{ name, ...spec }] }`): the same checks as
   * POST, one file write per kind instead of one per object. Kinds load in dependency order.
   */
  function seed(body: unknown): Record<string, number> {
    const input = asObject(body);
    const unknown = Object.keys(input).find((k) => !KIND_OF_KEY[k]);
    if (unknown) throw fail(400, "invalid_body", `unknown kind key \`${unknown}\``, unknown);
    const created: Record<string, number> = {};
    for (const kind of KINDS) {
      const items = input[KIND_KEYS[kind]];
      if (items === undefined) continue;
      if (!Array.isArray(items)) throw fail(400, "invalid_body", `\`${KIND_KEYS[kind]}\` must be an array`, KIND_KEYS[kind]);
      try {
        for (const item of items) create(kind, item, false);
      } finally {
        store.persist(kind);
      }
      created[KIND_KEYS[kind]] = items.length;
    }
    return created;
  }

  function replace(kind: Kind, current: WireObject, input: Record<string, unknown>, merge: boolean): WireObject {
    if (!merge || input.revision !== undefined) {
      if (input.revision !== current.revision) {
        throw fail(409, "revision_conflict", `${kind} ${current.id} is at revision ${current.revision}, the request was based on ${JSON.stringify(input.revision ?? null)}`, "revision");
      }
    }
    const next: Record<string, unknown> = merge ? { ...specOf(current), name: current.name } : {};
    for (const [k, v] of Object.entries(input)) {
      if ((SERVER_FIELDS as readonly string[]).includes(k) && k !== "name") continue;
      // PATCH semantics: null removes a field.
      if (merge && v === null) delete next[k];
      else next[k] = v;
    }
    const name = checkName(kind, next.name, current.id);
    const spec = checkSpec(kind, specOf(next));
    // Metadata is kept unless the request sets it: a client that does not know of it never erases it.
    const metadata = input.metadata === undefined ? current.metadata : checkMetadata(input.metadata);
    const obj: WireObject = { id: current.id, name, revision: current.revision + 1, createdAt: current.createdAt, updatedAt: new Date().toISOString(), ...(metadata ? { metadata } : {}), ...spec };
    store.write(kind, obj);
    return obj;
  }

  function checkMetadata(v: unknown): Record<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) throw fail(400, "invalid_field", "`metadata` must be an object", "metadata");
    if (JSON.stringify(v).length > 4096) throw fail(400, "invalid_field", "`metadata` is larger than 4 KB", "metadata");
    return v as Record<string, unknown>;
  }

  function checkName(kind: Kind, name: unknown, selfId?: string): string {
    if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
      throw fail(400, "invalid_field", "`name` must be a non-empty string of at most 200 characters", "name");
    }
    const holder = store.of(kind).idOfName(name);
    if (holder && holder !== selfId) throw fail(409, "duplicate_name", `a ${kind} named "${name}" already exists (${holder})`, "name");
    return name;
  }

  function checkSpec(kind: Kind, spec: Record<string, unknown>): Record<string, unknown> {
    const invalid = validateSpec(kind, spec);
    if (invalid) throw new HttpError(400, invalid);
    for (const r of refsOf(kind, spec)) {
      if (!store.of(r.kind).get(r.value)) throw fail(400, "invalid_reference", `\`${r.path}\`: no ${r.kind} with id ${r.value}`, r.path);
    }
    return spec;
  }

  function admin(method: string, path: string, body: unknown, res: ServerResponse): void {
    if (path === "/_admin/stats" && method === "GET") return send(res, 200, stats());
    if (path === "/_admin/seed" && method === "POST") {
      try {
        return send(res, 201, seed(body));
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        return send(res, e.status, { error: e.body });
      }
    }
    if (path === "/_admin/faults" && method === "GET") return send(res, 200, faults);
    if (path === "/_admin/faults" && method === "POST") {
      const parsed = parseFaults(body);
      if (!parsed.faults) return send(res, 400, { error: { code: "invalid_faults", message: parsed.problem } });
      setFaults(parsed.faults);
      return send(res, 200, faults);
    }
    send(res, 404, { error: { code: "not_found", message: `no such admin endpoint ${method} ${path}` } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  if (opts.unref) server.unref();
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setFaults,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const BAD_JSON = Symbol("bad json");

const encodeCursor = (seq: number) => Buffer.from(`after:${seq}`).toString("base64url");
function decodeCursor(cursor: string): number {
  const m = /^after:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw fail(400, "invalid_parameter", "`cursor` is not a cursor this server issued", "cursor");
  return Number(m[1]);
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === BAD_JSON) throw fail(400, "invalid_json", "the body is not valid JSON");
  if (!body || typeof body !== "object" || Array.isArray(body)) throw fail(400, "invalid_body", "the body must be a JSON object");
  return body as Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return BAD_JSON;
  }
}

function send(res: ServerResponse, status: number, payload?: unknown, headers: Record<string, string> = {}): void {
  const text = payload === undefined ? "" : payload instanceof RawJson ? payload.text : JSON.stringify(payload);
  res.writeHead(status, { ...headers, ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}) });
  res.end(text);
}
