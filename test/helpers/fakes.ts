import { randomUUID } from "node:crypto";
import { address, KINDS, type Kind, type Resource, type Stack } from "../../src/model";
import { references } from "../../src/model/refs";
import { ProviderError, type Capabilities, type CallContext, type LiveObject, type Provider } from "../../src/provider";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LockedError, StateError, type HistoryStore, type HistoryVersion, type Locker, type LockInfo, type State, type StateBackend, type StateDelta, type StateStore,
} from "../../src/state/types";
import { sealVersion, verifyChain } from "../../src/state/chain";
import { applyDelta } from "../../src/state/delta";
import { summaryOf } from "../../src/state/versions";

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export const allApi = (): Capabilities =>
  Object.fromEntries(KINDS.map((k) => [k, { read: true, create: "api", update: "api", delete: "api" }])) as Capabilities;

/** An in-memory platform: server-assigned ids, a call log, failures by address. */
export class FakeProvider implements Provider {
  readonly name = "fake";
  capabilities: Capabilities = allApi();
  objects = new Map<string, LiveObject>();
  calls: string[] = [];
  /** `create workflow.x` / `update …` / `delete …` that throw a ProviderError. */
  failing = new Set<string>();
  delayMs = 0;
  running = 0;
  maxRunning = 0;
  /** Contacts inside an object (by id), for drained replaces; `retired` ids stop admitting. */
  contacts = new Map<string, number>();
  retired = new Set<string>();
  requestCount = 0;
  /** Set by a test: one object's capability where it is not its kind's. */
  capabilityOf?: Provider["capabilityOf"];
  /** Set by a test: the exact words of one manual change. */
  manualNote?: Provider["manualNote"];
  private next = 1;

  seed(kind: Kind, name: string, spec: unknown): LiveObject {
    const o = { kind, id: `${kind}_${this.next++}`, name, spec: clone(spec) } as LiveObject;
    this.objects.set(o.id, o);
    return o;
  }

  byName(kind: Kind, name: string): LiveObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind && o.name === name);
  }

  private async op<T>(label: string, f: () => T): Promise<T> {
    this.requestCount++;
    this.calls.push(label);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failing.has(label)) {
        throw new ProviderError({ code: "fake/refused", severity: "error", message: `platform refused ${label}` }, false, 400);
      }
      return f();
    } finally {
      this.running--;
    }
  }

  async list(kind: Kind, _ctx: CallContext): Promise<LiveObject[]> {
    return this.op(`list ${kind}`, () => [...this.objects.values()].filter((o) => o.kind === kind).map(clone));
  }
  async read(kind: Kind, id: string): Promise<LiveObject | undefined> {
    return this.op(`read ${kind}`, () => clone(this.objects.get(id)));
  }
  async create(r: Resource, ctx?: CallContext): Promise<LiveObject> {
    return this.op(`create ${address(r.kind, r.name)}`, () => {
      const o = this.seed(r.kind, r.name, r.spec);
      if (ctx?.owner) o.owner = clone(ctx.owner);
      return clone(o);
    });
  }
  async update(r: Resource, live: LiveObject, ctx?: CallContext): Promise<LiveObject> {
    return this.op(`update ${address(r.kind, r.name)}`, () => {
      const o = this.objects.get(live.id);
      if (!o) throw new ProviderError({ code: "fake/not-found", severity: "error", message: `${live.id} not found` }, false, 404);
      o.spec = clone(r.spec);
      if (ctx?.owner) o.owner = clone(ctx.owner);
      return clone(o);
    });
  }
  async retire(kind: Kind, id: string): Promise<void> {
    return this.op(`retire ${id}`, () => {
      this.retired.add(id);
    });
  }
  async inFlight(_kind: Kind, id: string): Promise<number | undefined> {
    return this.contacts.get(id) ?? 0;
  }
  async delete(kind: Kind, id: string): Promise<void> {
    const o = this.objects.get(id);
    return this.op(`delete ${o ? address(kind, o.name) : id}`, () => {
      // Like a real platform: what something else refers to cannot go.
      const user = o && [...this.objects.values()].find((x) => x.id !== id && refersTo(x, o));
      if (user && this.refuseInUse) throw new ProviderError({ code: "fake/in-use", severity: "error", message: `${id} is used by ${user.id}` }, false, 409);
      this.objects.delete(id);
    });
  }
  /** Refuse to delete what another object refers to (by name, in this fake). */
  refuseInUse = false;
  async close(): Promise<void> {}
}

/** An in-memory StateBackend with the real contract's lock, deltas and hash-chained history. */
export class FakeBackend implements StateBackend {
  readonly kind = "local" as const;
  readonly localDir: string;
  stateValue: State;
  versions: HistoryVersion[] = [];
  lockInfo?: LockInfo;
  deltas: StateDelta[] = [];
  /** Throw on the nth delta from now (1 = the next one): a state store that goes away mid-apply. */
  failAfter?: number;

  readonly state: StateStore = {
    read: async () => clone(this.stateValue),
    apply: async (delta) => {
      if (this.failAfter !== undefined && --this.failAfter <= 0) throw new StateError("fake state store is gone");
      this.deltas.push(clone(delta));
      this.stateValue = applyDelta(this.stateValue, clone(delta));
      return clone(this.stateValue);
    },
    write: async (state) => {
      this.stateValue = { ...clone(state), serial: this.stateValue.serial + 1 };
      return clone(this.stateValue);
    },
  };

  readonly locker: Locker = {
    lock: async (operation, holder) => {
      if (this.lockInfo) throw new LockedError(this.lockInfo);
      const info = { id: randomUUID(), holder, operation, time: new Date().toISOString() };
      this.lockInfo = info;
      const lost = new AbortController();
      return {
        info,
        lost: lost.signal,
        assertHeld: async () => {
          if (this.lockInfo?.id !== info.id) throw new StateError("lock lost");
        },
        release: async () => {
          if (this.lockInfo?.id === info.id) this.lockInfo = undefined;
        },
      };
    },
    forceUnlock: async () => {
      const l = this.lockInfo;
      this.lockInfo = undefined;
      return l;
    },
    current: async () => this.lockInfo,
  };

  readonly history: HistoryStore = {
    append: async (v) => {
      const full = sealVersion(clone(v), this.versions.at(-1));
      this.versions.push(full);
      return full;
    },
    latest: async () => clone(this.versions.at(-1)),
    get: async (n) => clone(this.versions[n - 1]),
    page: async ({ limit, before }) => ({
      versions: this.versions.filter((v) => before === undefined || v.version < before).reverse().slice(0, limit).map((v) => summaryOf(v)),
      total: this.versions.length,
    }),
    verify: async (upTo) => verifyChain(this.versions.filter((v) => upTo === undefined || v.version <= upTo).map((v) => ({ slot: v.version, value: v }))),
  };

  constructor(stack = "demo", environment = "test") {
    this.stateValue = { lineage: randomUUID(), serial: 0, stack, environment, resources: {} };
    this.localDir = mkdtempSync(join(tmpdir(), "mops-fake-backend-"));
  }
  async close(): Promise<void> {}
}

const refersTo = (x: LiveObject, target: LiveObject): boolean =>
  [...references(x.kind, x.spec)].some((r) => r.kind === target.kind && r.name === target.name);

/** A stack from resources, sorted the way the loader sorts them. */
export function stackOf(resources: Resource[], name = "demo", environment = "test"): Stack {
  const sorted = [...resources].sort(
    (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return { name, environment, environments: { [environment]: { provider: { type: "fake" } } }, resources: sorted };
}

export const seg = (name: string, extra: Record<string, unknown> = {}): Resource =>
  ({ kind: "segment", name, spec: { type: "dynamic", conditions: { property: "country", op: "eq", value: "DE" }, ...extra } }) as Resource;
export const tpl = (name: string, body = "Hello {{ first_name | default: \"there\" }}"): Resource =>
  ({ kind: "template", name, spec: { channel: "email", subject: "Hi", body } }) as Resource;
export const wf = (name: string, segment: string, template: string, extra: Record<string, unknown> = {}): Resource =>
  ({
    kind: "workflow",
    name,
    spec: {
      status: "active",
      trigger: { type: "segment_entry", segment },
      steps: [{ type: "send", channel: "email", template }],
      ...extra,
    },
  }) as Resource;

