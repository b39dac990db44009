import type { Condition, PropertySpec, SegmentSpec } from "../../../src/model";
import { evaluate, type Contact } from "../../../src/model/evaluate";
import type { ContactRow } from "../../../src/model/population";
import { DEFAULT_PAGE, MAX_PAGE } from "../protocol";
import { mapRefs } from "../refs";
import type { ContactStore } from "./contacts";
import type { Store } from "./store";

/**
 * The sandbox's contacts API and audience sizes: what a segment holds now
 * (its conditions evaluated on the contacts, with the same `evaluate` the
 * analysis uses), and for proposed conditions how many would enter and
 * leave — the blast radius a plan shows.
 *
 *   GET    /v1/contacts?limit=&cursor=     page of contacts
 *   POST   /v1/contacts/batch              { contacts: [...] } (at most 10,000)
 *   DELETE /v1/contacts                    every contact
 *   GET    /v1/segments/{id}/size          { size, at }
 *   POST   /v1/segments/estimate           { conditions, segment? } -> { size, entering?, leaving?, at }
 */

const DAY_MS = 86_400_000;
const NONE: string[] = [];
const MAX_BATCH = 10_000;

type Reply = { status: number; payload?: unknown; wrote?: boolean };
const refuse = (status: number, code: string, message: string, field?: string): Reply =>
  ({ status, payload: { error: { code, message, ...(field ? { field } : {}) } } });

export class Audience {
  private cache?: { key: string; contacts: Contact[] };

  constructor(private readonly store: Store, private readonly contacts: ContactStore, private readonly now: () => number) {}

  /** Answers the requests above; undefined for any other path (the generic kind routes take it). */
  route(method: string, url: URL, body: unknown): Reply | undefined {
    const path = url.pathname;
    if (path === "/v1/contacts") {
      if (method === "GET") return this.page(url);
      if (method === "DELETE") return this.contacts.clear(), { status: 204, wrote: true };
      return refuse(405, "method_not_allowed", `${method} is not allowed on ${path}`);
    }
    if (path === "/v1/contacts/batch") {
      if (method !== "POST") return refuse(405, "method_not_allowed", `${method} is not allowed on ${path}`);
      const rows = (body as { contacts?: unknown } | undefined)?.contacts;
      if (!Array.isArray(rows)) return refuse(400, "invalid_body", "the body must be { contacts: [...] }", "contacts");
      if (rows.length > MAX_BATCH) return refuse(400, "invalid_body", `at most ${MAX_BATCH} contacts per batch`, "contacts");
      const bad = this.contacts.invalid(rows);
      if (bad) return refuse(400, "invalid_field", `contacts[${bad.index}]${bad.message}`, `contacts[${bad.index}]`);
      this.contacts.add(rows as ContactRow[]);
      return { status: 201, payload: { created: rows.length }, wrote: true };
    }
    if (path === "/v1/segments/estimate" && method === "POST") {
      const b = body as { conditions?: unknown; segment?: unknown } | undefined;
      if (!b || typeof b.conditions !== "object" || b.conditions === null) return refuse(400, "invalid_body", "the body must be { conditions, segment? }", "conditions");
      if (b.segment !== undefined && !this.store.of("segment").get(String(b.segment))) return refuse(404, "not_found", `no segment with id ${String(b.segment)}`, "segment");
      return { status: 200, payload: this.estimate(b.conditions as Condition, b.segment === undefined ? undefined : String(b.segment)) };
    }
    const size = /^\/v1\/segments\/([^/]+)\/size$/.exec(path);
    if (size && method === "GET") {
      const id = decodeURIComponent(size[1]!);
      if (!this.store.of("segment").get(id)) return refuse(404, "not_found", `no segment with id ${id}`);
      const at = this.now();
      return { status: 200, payload: { size: this.members(id, at).length, at: new Date(at).toISOString() } };
    }
    return undefined;
  }

  private page(url: URL): Reply {
    const limit = Number(url.searchParams.get("limit") ?? DEFAULT_PAGE);
    if (!Number.isInteger(limit) || limit < 1) return refuse(400, "invalid_parameter", "`limit` must be a positive integer", "limit");
    const cursor = url.searchParams.get("cursor");
    const after = cursor === null ? 0 : Number(/^after:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString())?.[1] ?? NaN);
    if (Number.isNaN(after)) return refuse(400, "invalid_parameter", "`cursor` is not a cursor this server issued", "cursor");
    const all = this.contacts.all();
    const results = all.slice(after, after + Math.min(limit, MAX_PAGE));
    const end = after + results.length;
    return { status: 200, payload: { results, paging: end < all.length ? { next: { cursor: Buffer.from(`after:${end}`).toString("base64url") } } : {} } };
  }

  /** Who the proposed conditions select, and against a stored segment who would enter and leave. */
  private estimate(wire: Condition, segment: string | undefined) {
    const at = this.now();
    const env = this.env(at);
    const { conditions } = this.named({ type: "dynamic", conditions: wire });
    const people = this.people(at);
    const proposed = new Uint8Array(people.length);
    let size = 0;
    people.forEach((c, i) => {
      if (evaluate(conditions!, c, env)) (proposed[i] = 1), size++;
    });
    if (segment === undefined) return { size, at: new Date(at).toISOString() };
    let entering = 0, leaving = 0;
    const current = new Set(this.members(segment, at));
    for (let i = 0; i < people.length; i++) {
      if (proposed[i] && !current.has(i)) entering++;
      if (!proposed[i] && current.has(i)) leaving++;
    }
    return { size, entering, leaving, at: new Date(at).toISOString() };
  }

  /** Indices of the contacts in a stored segment at `at`. */
  private members(id: string, at: number): number[] {
    const seg = this.store.of("segment").get(id)!;
    const people = this.people(at);
    const out: number[] = [];
    if (seg.type === "static") {
      people.forEach((c, i) => c.segments.includes(seg.name) && out.push(i));
      return out;
    }
    const env = this.env(at);
    const { conditions } = this.named(seg as unknown as SegmentSpec);
    if (conditions) people.forEach((c, i) => evaluate(conditions, c, env) && out.push(i));
    return out;
  }

  /** A spec stored with platform ids, in the names contacts and conditions use. */
  private named(spec: SegmentSpec): SegmentSpec {
    return mapRefs("segment", spec, (kind, id) => this.store.of(kind).get(id)?.name ?? id);
  }

  private env(at: number) {
    const segments = new Map<string, SegmentSpec>();
    for (const s of this.store.of("segment").all()) segments.set(s.name, this.named(s as unknown as SegmentSpec));
    const properties = new Map<string, PropertySpec>(this.store.of("property").all().map((p) => [p.name, p as unknown as PropertySpec]));
    return { segments, properties, now: at };
  }

  /** Contacts as conditions read them at `at`: events up to then, in days ago. Built once per contacts version and moment. */
  private people(at: number): Contact[] {
    const key = `${this.contacts.version}:${at}`;
    if (this.cache?.key === key) return this.cache.contacts;
    // The rows' own objects are shared where they already read right: a hundred thousand contacts are not copied twice.
    const contacts = this.contacts.all().filter((r) => !r.created_at || Date.parse(r.created_at) <= at).map((r): Contact => ({
      properties: (r.properties && Object.values(r.properties).includes(null)
        ? Object.fromEntries(Object.entries(r.properties).filter(([, v]) => v !== null))
        : r.properties ?? {}) as Contact["properties"],
      events: (r.events ?? []).flatMap((e) => {
        const t = Date.parse(e.at);
        return t <= at ? [{ event: e.event, daysAgo: (at - t) / DAY_MS, ...(e.properties ? { properties: e.properties } : {}) }] : [];
      }),
      consents: r.consents ?? NONE,
      segments: r.segments ?? NONE,
    }));
    this.cache = { key, contacts };
    return contacts;
  }
}

/** The sandbox's clock for audience sizes: `now` when given, else a fixed `MOPS_SANDBOX_CLOCK` (ISO time), else the wall clock. */
export function sandboxClock(now: (() => number) | undefined, env: NodeJS.ProcessEnv): () => number {
  if (now) return now;
  const fixed = env.MOPS_SANDBOX_CLOCK;
  if (!fixed) return () => Date.now();
  const t = Date.parse(fixed);
  if (Number.isNaN(t)) throw new Error(`sandbox: MOPS_SANDBOX_CLOCK is not an ISO time: ${fixed}`);
  return () => t;
}
