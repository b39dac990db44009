import { error, type Diagnostic } from "../diagnostics";
import { address, canonicalJson, KINDS, type Kind, type Reason, type Resource } from "../model";
import type { KindCapability, LiveObject, ManualChange, OwnerMark } from "../provider";
import type { RetiredObject, StateResource } from "../state/types";
import { referencesOf } from "../graph";
import { capabilityOf } from "./capability";
import { diffSpecs, topAttribute } from "./diff";
import type { PlanInput } from "./compare";
import { changeKey, type ResourceChange } from "./types";

const diag = (code: string, message: string, extra: Omit<Diagnostic, "code" | "severity" | "message">): Diagnostic =>
  ({ code, severity: "info", message, ...extra });

/** Does this owner mark say the object was made by this stack's own state? */
export const isOwnMark = (m: OwnerMark | undefined, own: OwnerMark): boolean =>
  !!m && m.stack === own.stack && m.environment === own.environment && m.lineage === own.lineage;

const markWords = (m: OwnerMark, own: OwnerMark) =>
  m.stack === own.stack && m.environment === own.environment
    ? `an earlier state of this stack (lineage ${m.lineage}), not this one`
    : `stack ${m.stack} (${m.environment})`;

/**
 * The decisions of one plan, resource by resource: desired (normalised by the
 * provider) against live, with what Mops last applied telling drift from
 * intent. Desired wins; Mops takes over nothing it did not create, import or
 * get told to adopt, and deletes nothing it does not own.
 */
export class Decider {
  readonly changes: ResourceChange[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly liveById = new Map<string, LiveObject>();
  private readonly liveByName = new Map<string, LiveObject[]>();
  private readonly claimed = new Set<string>();
  private readonly refreshed: ReadonlySet<Kind>;

  constructor(
    private readonly input: PlanInput & { wanted: Resource[]; own: OwnerMark },
    refreshed: ReadonlySet<Kind>,
  ) {
    this.refreshed = refreshed;
    for (const o of input.live) {
      this.liveById.set(`${o.kind}\0${o.id}`, o);
      const a = address(o.kind, o.name);
      this.liveByName.set(a, [...(this.liveByName.get(a) ?? []), o]);
    }
    for (const s of Object.values(input.state.resources)) if (s.id) this.claimed.add(`${s.kind}\0${s.id}`);
    for (const r of Object.values(input.state.retired ?? {})) this.claimed.add(`${r.kind}\0${r.id}`);
  }

  private get caps() {
    return this.input.capabilities ?? this.input.provider.capabilities;
  }

  /** What the API allows for this object (its kind's, unless the provider says otherwise for it). */
  private capOf(kind: Kind, spec: Resource["spec"] | undefined): KindCapability | undefined {
    return capabilityOf(this.input.provider, this.caps, kind, spec);
  }

  /** What a person does for a manual change: the provider's exact steps, else the capability's note, else plain words. */
  private manualWords(cap: KindCapability | undefined, change: ManualChange, plain: string): string {
    return this.input.provider.manualNote?.(change) ?? cap?.note ?? plain;
  }

  /** The live object a state entry names; state stands in for live when the kind was not read. */
  private liveOf(kind: Kind, id: string, stood: { name: string; attributes: Resource["spec"]; version?: string }): LiveObject | undefined {
    if (this.refreshed.has(kind)) return this.liveById.get(`${kind}\0${id}`);
    return { kind, id, name: stood.name, spec: stood.attributes, ...(stood.version !== undefined ? { version: stood.version } : {}) };
  }

  /** Live objects of this address's name that no state entry owns. */
  private unclaimedNamed(addr: string): LiveObject[] {
    return (this.liveByName.get(addr) ?? []).filter((o) => !this.claimed.has(`${o.kind}\0${o.id}`));
  }

  desired(r: Resource): void {
    const addr = address(r.kind, r.name);
    const cap = this.capOf(r.kind, r.spec);
    const s = this.input.state.resources[addr];
    const base = { address: addr, kind: r.kind, name: r.name, after: r.spec } as const;
    const providerName = this.input.provider.name;
    if (!cap) {
      this.diagnostics.push(error("plan/unsupported-kind", `provider ${providerName} cannot manage ${r.kind} resources`, {
        address: addr,
        hint: `remove ${addr} from this environment, or use a provider that manages ${r.kind}s`,
      }));
      this.changes.push({ ...base, action: "manual", reasons: [{ code: "kind-unsupported" }], manual: `create ${addr} by hand in ${providerName}` });
      return;
    }
    if (s && !s.id) return this.confirmed(base, s, cap);
    const imp = (this.input.desired.environments[this.input.desired.environment]?.import ?? []).find((i) => address(i.kind, i.name) === addr);
    if (imp && s && s.id !== imp.id) {
      this.diagnostics.push(error("plan/import-conflict", `${addr} is already managed as id ${s.id}, but the stack's import entry names id ${imp.id}`, {
        address: addr,
        hint: "the import is done: remove the entry from `environments.<env>.import`",
      }));
    }
    const l = s?.id ? this.liveOf(r.kind, s.id, s) : undefined;
    if (s && l) return void this.changes.push(this.compare(base, l, s, cap));

    if (imp && (!s || !l)) return this.importDeclared(base, imp.id, cap, !!s);
    if (this.refreshed.has(r.kind)) {
      const named = this.unclaimedNamed(addr);
      if (named.length) return this.named(base, named, cap, !!s);
    }
    const reasons: Reason[] = [{ code: s ? "deleted-outside" : "new" }];
    if (cap.create === "api") this.changes.push({ ...base, action: "create", reasons });
    else {
      const manual = this.manualWords(cap, { kind: r.kind, name: r.name, operation: "create", after: r.spec }, `create ${addr} by hand in ${providerName}`);
      this.changes.push({ ...base, action: "manual", reasons: [...reasons, { code: "api-cannot", operation: "create" }], manual });
    }
  }

  /** A manual change a person confirmed: it stays confirmed until the stack changes it. */
  private confirmed(base: { address: string; kind: Kind; name: string; after: Resource["spec"] }, s: StateResource, cap: KindCapability): void {
    const attributes = diffSpecs(s.attributes, base.after);
    if (!attributes.length) {
      this.changes.push({ ...base, before: s.attributes, action: "noop", reasons: [] });
      this.diagnostics.push(diag("plan/unverifiable", `${base.address} was done by hand${s.confirmedBy ? ` (confirmed by ${s.confirmedBy})` : ""}: not verifiable through the API`, { address: base.address }));
      return;
    }
    this.changes.push({
      ...base, before: s.attributes, attributes, action: "manual",
      reasons: [{ code: "manual-changed" }, { code: "api-cannot", operation: "update" }],
      manual: this.manualWords(cap, { kind: base.kind, name: base.name, operation: "update", before: s.attributes, after: base.after }, `change ${base.address} by hand in ${this.input.provider.name}`),
    });
  }

  /** The stack's `import:` entry names the live object: adopt it (or say why not). */
  private importDeclared(base: { address: string; kind: Kind; name: string; after: Resource["spec"] }, id: string, cap: KindCapability, wasInState: boolean): void {
    const o = this.liveById.get(`${base.kind}\0${id}`);
    if (!o && this.refreshed.has(base.kind)) {
      this.diagnostics.push(error("plan/import-missing", `the import entry for ${base.address} names id ${id}, but no live ${base.kind} has that id`, {
        address: base.address,
        hint: "check the id in the platform (or with `mops import`), or remove the import entry to create the object instead",
      }));
      this.changes.push({ ...base, action: "create", reasons: [{ code: wasInState ? "deleted-outside" : "new" }] });
      return;
    }
    const target = o ?? ({ kind: base.kind, id, name: base.name, spec: base.after } as LiveObject);
    if (this.claimed.has(`${base.kind}\0${id}`)) {
      this.diagnostics.push(error("plan/import-conflict", `the import entry for ${base.address} names id ${id}, which another address of this stack already manages`, { address: base.address }));
    }
    this.adopt(base, target, cap, { code: "import-declared" });
  }

  /** Unowned live objects carry this resource's name: adopt only when told to, or when the object is provably ours. */
  private named(base: { address: string; kind: Kind; name: string; after: Resource["spec"] }, named: LiveObject[], cap: KindCapability, wasInState: boolean): void {
    const own = this.input.own;
    const req = this.input.request ?? {};
    const ours = named.find((o) => isOwnMark(o.owner, own));
    if (ours) return this.adopt(base, ours, cap, { code: "own-mark" });
    const asked = req.importAll || (req.adopt ?? []).includes(base.address);
    const ids = named.map((o) => o.id).join(", ");
    if (asked && named.length > 1) {
      this.diagnostics.push(error("plan/adopt-ambiguous", `${named.length} live ${base.kind}s are named ${base.name} (ids ${ids}): Mops cannot tell which to adopt`, {
        address: base.address,
        hint: `name the one to adopt by id: add \`{ kind: ${base.kind}, name: ${base.name}, id: <id> }\` to \`environments.${this.input.desired.environment}.import\``,
        detail: { ids: named.map((o) => o.id) },
      }));
    } else if (asked && named[0]!.owner && !isOwnMark(named[0]!.owner, own) && !req.force) {
      this.diagnostics.push(error("plan/owned-elsewhere", `${base.address}: the live ${base.kind} ${named[0]!.id} was made by ${markWords(named[0]!.owner, own)}, so Mops will not adopt it`, {
        address: base.address,
        hint: "two stacks must not manage one object: rename this resource, or if that stack no longer manages it, adopt it with `--force`",
        detail: { id: named[0]!.id, owner: named[0]!.owner },
      }));
    } else if (asked) {
      return this.adopt(base, named[0]!, cap, { code: req.importAll ? "import-command" : "adopt-requested" });
    } else {
      const o = named[0]!;
      const who = o.owner ? `, made by ${markWords(o.owner, own)}` : ", which no Mops state owns";
      this.diagnostics.push(error("plan/name-taken", `${base.address}: a live ${base.kind} with this name already exists (id ${ids}${named.length > 1 ? "" : who}); Mops does not take over objects silently`, {
        address: base.address,
        hint: o.owner
          ? `two stacks must not manage one object: rename the resource here; if ${markWords(o.owner, own)} no longer manages it, adopt it with \`--adopt ${base.address} --force\``
          : `to manage the existing object, either add \`{ kind: ${base.kind}, name: ${base.name}, id: ${o.id} }\` to \`environments.${this.input.desired.environment}.import\`, ` +
            `run \`mops import\`, or plan/apply with \`--adopt ${base.address}\`; otherwise rename the resource`,
        detail: { ids: named.map((x) => x.id), ...(o.owner ? { owner: o.owner } : {}) },
      }));
    }
    this.changes.push({ ...base, action: "create", reasons: [{ code: wasInState ? "deleted-outside" : "new" }] });
  }

  private adopt(base: { address: string; kind: Kind; name: string; after: Resource["spec"] }, o: LiveObject, cap: KindCapability, reason: Reason): void {
    if (o.owner && !isOwnMark(o.owner, this.input.own) && !this.input.request?.force) {
      this.diagnostics.push(error("plan/owned-elsewhere", `${base.address}: the live ${base.kind} ${o.id} was made by ${markWords(o.owner, this.input.own)}, so Mops will not adopt it`, {
        address: base.address,
        hint: "two stacks must not manage one object: if that stack no longer manages it, adopt it with `--force`",
        detail: { id: o.id, owner: o.owner },
      }));
    }
    this.claimed.add(`${o.kind}\0${o.id}`);
    const attributes = diffSpecs(o.spec, base.after);
    const reasons: Reason[] = [reason];
    // Adopted as it is; updated too when the API can (otherwise the next plan shows the manual change).
    if (attributes.length && cap.update === "api") reasons.push({ code: "update-after-adopt" });
    this.changes.push({
      ...base, id: o.id, before: o.spec, action: "adopt", reasons,
      ...(attributes.length ? { attributes } : {}),
      ...(o.version !== undefined ? { version: o.version } : {}),
      ...(o.owner ? { owner: o.owner } : {}),
    });
  }

  private compare(base: { address: string; kind: Kind; name: string; after: Resource["spec"] }, l: LiveObject, s: StateResource, cap: KindCapability): ResourceChange {
    // Most resources are unchanged: one canonical text each settles that before any per-attribute walk.
    const [cl, cd, cs] = [l.spec, base.after, s.attributes].map(canonicalJson);
    const attributes = cl === cd ? [] : diffSpecs(l.spec, base.after);
    const drift = cs === cl ? [] : diffSpecs(s.attributes, l.spec);
    const change: ResourceChange = {
      ...base, id: l.id, before: l.spec, action: "noop", reasons: [],
      ...(l.version !== undefined ? { version: l.version } : {}),
    };
    if (drift.length) change.drift = drift;
    if (!attributes.length) return change;
    change.attributes = attributes;
    const reasons: Reason[] = [];
    if (cd !== cs) reasons.push({ code: "stack-changed" });
    if (drift.length) reasons.push({ code: "changed-outside" });
    const forcing = [...new Set(attributes.map((a) => topAttribute(a.path)).filter((t) => cap.replaceOn?.includes(t)))];
    if (forcing.length && cap.delete === "api" && cap.create === "api") {
      change.action = "replace";
      change.replaceMode = cap.replaceStrategy === "drain" ? "drain" : cap.uniqueNames ? "delete-before-create" : "create-before-delete";
      change.reasons = [...reasons, { code: "replace-forced", attributes: forcing }];
    } else if (!forcing.length && cap.update === "api") {
      change.action = "update";
      change.reasons = reasons;
    } else {
      const operation = forcing.length ? "create" : "update";
      change.action = "manual";
      change.reasons = [...reasons, { code: "api-cannot", operation }];
      change.manual = this.manualWords(cap, { kind: base.kind, name: base.name, operation, id: l.id, before: l.spec, after: base.after }, `change ${base.address} by hand in ${this.input.provider.name}`);
    }
    return change;
  }

  /** A state entry the stack no longer declares. */
  removed(s: StateResource): void {
    const base = { address: s.address, kind: s.kind, name: s.name };
    const l = s.id ? this.liveOf(s.kind, s.id, s) : undefined;
    const cap = this.capOf(s.kind, l?.spec ?? s.attributes);
    const manual = (reasons: Reason[]): void => {
      const words = this.manualWords(cap, { kind: s.kind, name: s.name, operation: "delete", ...(s.id ? { id: s.id } : {}), before: l?.spec ?? s.attributes }, `delete ${s.address} by hand in ${this.input.provider.name}`);
      this.changes.push({ ...base, ...(s.id ? { id: s.id } : {}), before: s.attributes, action: "manual", reasons, manual: words });
    };
    if (!s.id) return manual([{ code: "removed-from-stack" }, { code: "api-cannot", operation: "delete" }]);
    // No live object: there is nothing left on the platform to delete, only the state entry.
    if (!l) this.changes.push({ ...base, before: s.attributes, action: "delete", reasons: [{ code: "removed-from-stack" }, { code: "already-gone" }] });
    else if (cap?.delete === "api") this.changes.push({ ...base, id: s.id, before: l.spec, action: "delete", reasons: [{ code: "removed-from-stack" }], ...(l.version !== undefined ? { version: l.version } : {}) });
    else manual([{ code: "removed-from-stack" }, { code: "api-cannot", operation: "delete" }]);
  }

  /** The old half of an earlier replace: delete it when it can go, stop it admitting when it must drain first. */
  retired(r: RetiredObject): void {
    const base = { address: r.address, kind: r.kind, name: r.address.slice(r.kind.length + 1), id: r.id, before: r.attributes, retired: true } as const;
    const live = this.liveOf(r.kind, r.id, { name: base.name, attributes: r.attributes });
    if (!live) return void this.changes.push({ ...base, action: "delete", reasons: [{ code: "already-gone", id: r.id }] });
    if (r.mode === "replace") return void this.changes.push({ ...base, action: "delete", reasons: [{ code: "replaced", id: r.id }] });
    if (!r.stopped) return void this.changes.push({ ...base, action: "update", reasons: [{ code: "replaced", id: r.id }] });
    const inside = this.input.inFlight?.[changeKey(base)];
    if (inside === 0) return void this.changes.push({ ...base, action: "delete", reasons: [{ code: "drained", id: r.id }] });
    this.diagnostics.push(diag("plan/draining", `waiting for ${inside === undefined ? "the contacts (the platform does not say how many)" : `${inside} contact${inside === 1 ? "" : "s"}`} to finish the previous ${r.kind} ${r.id} of ${r.address}; it is deleted by a later apply once empty`, {
      address: r.address,
      detail: { id: r.id, ...(inside !== undefined ? { inFlight: inside } : {}) },
    }));
  }

  /**
   * A resource that refers to something created again or replaced points at a
   * dead or old id even when its own spec is unchanged: it is updated in the
   * same plan, after the new object exists.
   */
  forceDependents(): void {
    const renewed = new Map(this.changes.filter((c) => !c.retired && ["create", "replace", "adopt"].includes(c.action)).map((c) => [c.address, c]));
    if (!renewed.size) return;
    const byAddr = new Map(this.changes.filter((c) => !c.retired).map((c) => [c.address, c]));
    for (const r of this.input.wanted) {
      const c = byAddr.get(address(r.kind, r.name));
      if (!c || !["noop", "update"].includes(c.action)) continue;
      const deps = referencesOf(r).filter((a) => renewed.has(a));
      if (!deps.length) continue;
      c.reasons.push(...deps.map((a): Reason => ({ code: "dependency-recreated", address: a })));
      if (c.action === "update") continue;
      const cap = this.capOf(c.kind, c.after);
      if (cap?.update === "api") {
        c.action = "update";
        c.attributes ??= [];
      } else {
        c.action = "manual";
        c.reasons.push({ code: "api-cannot", operation: "update" });
        c.manual = this.manualWords(cap, { kind: c.kind, name: c.name, operation: "update", ...(c.id ? { id: c.id } : {}), before: c.before, after: c.after }, `update ${c.address} by hand in ${this.input.provider.name}`);
      }
    }
  }

  /** A delete must wait while a retired object that still drains refers to what it deletes. */
  deferDeletesInUse(): void {
    const planned = new Set(this.changes.filter((c) => c.retired && c.action === "delete").map(changeKey));
    const holders = Object.values(this.input.state.retired ?? {}).filter((r) => !planned.has(`${r.address}@${r.id}`));
    if (!holders.length) return;
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const c = this.changes[i]!;
      if (c.action !== "delete" || c.retired) continue;
      const holder = holders.find((r) => referencesOf({ kind: r.kind, name: r.address.slice(r.kind.length + 1), spec: r.attributes } as Resource).includes(c.address));
      if (!holder) continue;
      this.changes.splice(i, 1);
      this.diagnostics.push(diag("plan/delete-deferred", `${c.address} is kept until the previous ${holder.kind} ${holder.id} of ${holder.address}, which still uses it, has drained`, { address: c.address }));
    }
  }

  sorted(): ResourceChange[] {
    const kindOrder = (k: Kind) => KINDS.indexOf(k);
    return this.changes.sort(
      (a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (changeKey(a) < changeKey(b) ? -1 : changeKey(a) > changeKey(b) ? 1 : 0),
    );
  }
}
