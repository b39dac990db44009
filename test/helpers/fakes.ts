import { randomUUID } from "node:crypto";
import { address, KINDS, type Kind, type Resource, type Stack } from "../../src/model";
import { ProviderError, type Capabilities, type CallContext, type LiveObject, type Provider } from "../../src/provider";
import {
  LockedError, type HistoryCheck, type HistoryVersion, type LockInfo, type State, type StateBackend, type StateResource,
} from "../../src/state/types";
import { sealVersion } from "../../src/state/history";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

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
  inFlight = 0;
  maxInFlight = 0;
  requestCount = 0;
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
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failing.has(label)) {
        throw new ProviderError({ code: "fake/refused", severity: "error", message: `platform refused ${label}` }, false, 400);
      }
      return f();
    } finally {
      this.inFlight--;
    }
  }

  async list(kind: Kind, _ctx: CallContext): Promise<LiveObject[]> {
    return this.op(`list ${kind}`, () => [...this.objects.values()].filter((o) => o.kind === kind).map(clone));
  }
  async read(kind: Kind, id: string): Promise<LiveObject | undefined> {
    return this.op(`read ${kind}`, () => clone(this.objects.get(id)));
  }
  async create(r: Resource): Promise<LiveObject> {
    return this.op(`create ${address(r.kind, r.name)}`, () => clone(this.seed(r.kind, r.name, r.spec)));
  }
  async update(r: Resource, live: LiveObject): Promise<LiveObject> {
    return this.op(`update ${address(r.kind, r.name)}`, () => {
      const o = this.objects.get(live.id);
      if (!o) throw new ProviderError({ code: "fake/not-found", severity: "error", message: `${live.id} not found` }, false, 404);
      o.spec = clone(r.spec);
      return clone(o);
    });
  }
  async delete(kind: Kind, id: string): Promise<void> {
    const o = this.objects.get(id);
    return this.op(`delete ${o ? address(kind, o.name) : id}`, () => {
      this.objects.delete(id);
    });
  }
  async close(): Promise<void> {}
}

/** An in-memory StateBackend with the real contract's lock and hash-chained history. */
export class FakeBackend implements StateBackend {
  readonly kind = "local" as const;
  state: State;
  versions: HistoryVersion[] = [];
  lockInfo?: LockInfo;
  records: { address: string; resource: StateResource | null }[] = [];

  constructor(stack = "demo", environment = "test") {
    this.state = { lineage: randomUUID(), serial: 0, stack, environment, resources: {} };
  }
  async read(): Promise<State> {
    return clone(this.state);
  }
  async record(addr: string, resource: StateResource | null): Promise<State> {
    this.records.push({ address: addr, resource });
    if (resource) this.state.resources[addr] = clone(resource);
    else delete this.state.resources[addr];
    this.state.serial++;
    return clone(this.state);
  }
  async write(state: State): Promise<State> {
    this.state = { ...clone(state), serial: this.state.serial + 1 };
    return clone(this.state);
  }
  async lock(operation: string, holder: string): Promise<LockInfo> {
    if (this.lockInfo) throw new LockedError(this.lockInfo);
    this.lockInfo = { id: randomUUID(), holder, operation, time: new Date().toISOString() };
    return this.lockInfo;
  }
  async unlock(id: string): Promise<void> {
    if (this.lockInfo?.id === id) this.lockInfo = undefined;
  }
  async forceUnlock(): Promise<LockInfo | undefined> {
    const l = this.lockInfo;
    this.lockInfo = undefined;
    return l;
  }
  async currentLock(): Promise<LockInfo | undefined> {
    return this.lockInfo;
  }
  async appendVersion(v: Omit<HistoryVersion, "version" | "prevHash" | "hash">): Promise<HistoryVersion> {
    const full = sealVersion(clone(v), this.versions.at(-1));
    this.versions.push(full);
    return full;
  }
  async listVersions(): Promise<HistoryVersion[]> {
    return clone(this.versions);
  }
  async getVersion(n: number): Promise<HistoryVersion | undefined> {
    return clone(this.versions[n - 1]);
  }
  async latestVersion(): Promise<HistoryVersion | undefined> {
    return clone(this.versions.at(-1));
  }
  async verifyHistory(): Promise<HistoryCheck> {
    return { ok: true };
  }
  async close(): Promise<void> {}
}

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

