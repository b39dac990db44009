import { diag, type Diagnostic } from "../diagnostics";
import {
  CHANNELS, durationMs, type Channel, type PropertySpec, type Resource, type Scalar, type SegmentSpec,
  type Stack, type WorkflowSpec,
} from "../model";
import type { Assumptions, EngagementRates } from "./assumptions";
import { knownTimeZone, untilMoment } from "./clock";
import { compile, dateEdges, type Compiled, type Input, type Runtime, type TimeLeaf } from "./compile";
import { EventLog } from "./events";
import { Journal, J } from "./journal";
import { DAY_MS, newColumn, setValue, type Column, type Population } from "./population";
import { compileSteps, longestMs, type Program, type SendOp } from "./program";
import { Agenda } from "./queue";
import { draw, hashString, rng, type Rng } from "./random";
import { propertiesDrawer } from "./generate";
import type { ExitReason, SimulationResult, WorkflowStats } from "./result";
import { summarize } from "./summary";
import { walkSteps } from "../model/refs";
import { marketingChannels } from "../analysis/steps";
import { fireAt, nextAnniversary, nextMidnight } from "./dates";
import { Cap } from "./caps";
import { actionAt, drawOutcome, type Outcome } from "./engagement";

/**
 * Every active journey of a stack, run over a population in simulated time.
 * Pure: the caller gives the population, the assumptions, the start (no
 * clock is read) and the seed; the same inputs give the same result.
 *
 * Discrete events on one agenda (a heap): contacts appearing, their own
 * events, journey steps resuming after waits, segment windows closing, the
 * nightly recomputation of derived properties. A change to a contact
 * re-evaluates only the segments that read what changed, in dependency
 * order; a segment entered starts the journeys it triggers.
 */

export interface SimulationOptions {
  stack: Stack;
  population: Population;
  assumptions: Assumptions;
  /** Start of the reported period, ms since 1970. */
  start: number;
  days: number;
  /** Simulated before `start` (not reported) so journeys are under way; default 14. */
  warmupDays?: number;
  seed: number;
  /**
   * Workflows switched on at `start` (new, or newly active, in the change
   * being simulated): they run from `start` only, and enrol the members their
   * trigger segment already has, as a platform does when one is activated.
   */
  switchedOn?: readonly string[];
  /** Contact ids whose timelines the result includes, besides the three it picks. */
  follow?: readonly string[];
}

// Agenda item kinds, in the order they happen at one instant.
const K_WINDOW = 0, K_CREATE = 1, K_EVENT = 2, K_UNSUB = 3, K_NIGHT = 4, K_WAKE = 5, K_DATE = 6, K_RUN = 7;
/** Every input at once: a contact appearing. */
const ALL = Symbol("all inputs");
const NONE: readonly never[] = [];
const TIME: readonly Input[] = ["time"];
const rankOf = (kind: number, priority = 0) => kind * 2048 + (1024 - priority);
/** A contact starting this many journeys at one instant is in a loop (journey/loop-without-wait). */
const LOOP_LIMIT = 200;

interface Run {
  id: number;
  flow: Flow;
  contact: number;
  pc: number;
  entered: number;
  holdout: boolean;
  /** Entry number of this contact into this workflow, for keyed draws. */
  seq: number;
  sends: (Outcome | undefined)[];
  done: boolean;
  /** Scheduling token: a resume scheduled before the run moved on is stale. */
  token: number;
}

interface Flow {
  index: number;
  name: string;
  spec: WorkflowSpec;
  hash: number;
  priority: number;
  program: Program;
  entry?: Compiled;
  goal?: Compiled;
  suppressSegments: string[];
  suppressEvents: Compiled[];
  /** Inputs whose change can meet the goal or a suppression. */
  watch: Set<Input>;
  rollout: number;
  holdout: number;
  /** Sends marketing (not only transactional messages): only these count as overlapping journeys, as in the conflict check. */
  marketing: boolean;
  reenrol: { allowed: boolean; afterMs: number };
  activeFrom: number;
  longestMs: number;
  /** Caps each send counts against (by send index). */
  capsOf: number[][];
  rates: EngagementRates[];
  lastEntry: Float64Array;
  entryCount: Uint16Array;
  rolledOutFlag: Uint8Array;
  reachedFlag: Uint8Array;
  stats: WorkflowStats;
}

export function simulate(opts: SimulationOptions): SimulationResult {
  return new Simulation(opts).run();
}

class Simulation {
  readonly pop: Population;
  readonly a: Assumptions;
  readonly N: number;
  readonly t0: number;
  readonly start: number;
  readonly end: number;
  readonly seed: number;
  readonly notes: Diagnostic[] = [];
  readonly events: EventLog;
  readonly agenda = new Agenda();
  readonly journal = new Journal();
  readonly idHash: Uint32Array;

  // Segments, in dependency order.
  readonly segNames: string[] = [];
  readonly segPred: Compiled[] = [];
  readonly segBits: Uint8Array[] = [];
  /** `g:<segment>`: the input a segment's own change is. */
  readonly segInput: Input[] = [];
  allSegments: number[] = [];
  readonly members = new Map<string, Uint8Array>();
  readonly affected = new Map<Input, number[]>();
  readonly segStats: { atStart: number; atEnd: number; entered: number; left: number; count: number }[] = [];
  timeLeaves: TimeLeaf[] = [];
  readonly wakeAt: Float64Array;

  readonly flows: Flow[] = [];
  readonly skipped: WorkflowStats[] = [];
  readonly byTriggerSegment = new Map<string, Flow[]>();
  readonly byTriggerEvent = new Map<number, { flow: Flow; where: number }[]>();
  readonly byDate = new Map<string, Flow[]>();
  readonly caps: Cap[] = [];
  readonly derived: { property: string; col: () => Column | undefined; kind: "count_of" | "last_of" | "days_until"; source: string }[] = [];

  /** Runs in progress per contact. Arrays indexed by contact are filled up front: a sparse one degrades to a slow dictionary. */
  readonly active: (Run[] | undefined)[];
  readonly runs: Run[] = [];
  readonly busyAt: Float64Array;
  readonly busyCount: Int32Array;

  // Statistics of the reported period.
  readonly weeks: number;
  readonly weekly: Uint16Array;
  readonly messages: Uint32Array;
  readonly capHits: Uint32Array;
  readonly overlapFlag: Uint8Array;
  readonly pairs = new Map<string, Set<number>>();
  readonly daily: number[][];

  constructor(readonly opts: SimulationOptions) {
    // The run changes properties, consent and static segments as journeys act: on its own copy.
    this.pop = ownState(opts.population);
    this.a = opts.assumptions;
    this.N = this.pop.size;
    this.seed = opts.seed >>> 0;
    this.start = opts.start;
    this.end = opts.start + opts.days * DAY_MS;
    this.t0 = opts.start - (opts.warmupDays ?? 14) * DAY_MS;
    this.events = new EventLog(this.pop);
    this.idHash = Uint32Array.from(this.pop.ids, hashString);
    this.wakeAt = new Float64Array(this.N).fill(-Infinity);
    this.busyAt = new Float64Array(this.N).fill(NaN);
    this.busyCount = new Int32Array(this.N);
    this.weeks = Math.max(1, Math.floor(opts.days / 7));
    this.weekly = new Uint16Array(this.N * this.weeks * CHANNELS.length);
    this.messages = new Uint32Array(this.N);
    this.capHits = new Uint32Array(this.N);
    this.overlapFlag = new Uint8Array(this.N);
    this.active = new Array<Run[] | undefined>(this.N).fill(undefined);
    this.daily = Array.from({ length: opts.days }, () => new Array<number>(CHANNELS.length).fill(0));
  }

  /* ----------------------------------------------------------------- setup */

  private runtime(): Runtime {
    const properties = new Map<string, PropertySpec>();
    const segments = new Map<string, SegmentSpec>();
    for (const r of this.opts.stack.resources) {
      if (r.kind === "property") properties.set(r.name, r.spec);
      if (r.kind === "segment") segments.set(r.name, r.spec);
    }
    return { pop: this.pop, events: this.events, properties, segments, members: this.members, counters: new Map() };
  }

  private setupSegments(rt: Runtime): void {
    const dynamic = [...rt.segments].filter(([, s]) => s.type === "dynamic" && s.conditions);
    for (const [name] of dynamic) this.members.set(name, new Uint8Array(this.N));
    // Dependency order: a segment after the segments it reads (the loader refuses cycles; one left here reads as empty).
    const order: string[] = [];
    const state = new Map<string, number>();
    const visit = (name: string) => {
      if (state.get(name) !== undefined) return;
      state.set(name, 1);
      const conds = rt.segments.get(name)?.conditions;
      if (conds) for (const dep of refsIn(conds)) if (this.members.has(dep)) visit(dep);
      state.set(name, 2);
      order.push(name);
    };
    for (const [name] of dynamic) visit(name);
    for (const name of order) {
      const c = compile(rt.segments.get(name)!.conditions!, rt);
      this.segNames.push(name);
      this.segPred.push(c);
      this.segStats.push({ atStart: 0, atEnd: 0, entered: 0, left: 0, count: 0 });
      this.segBits.push(this.members.get(name)!);
      this.segInput.push(`g:${name}`);
      this.timeLeaves.push(...c.time);
    }
    this.allSegments = this.segNames.map((_, i) => i);
    // What each input change re-evaluates, closed over segments reading segments.
    const direct = new Map<Input, Set<number>>();
    this.segPred.forEach((c, i) => {
      for (const input of c.inputs) (direct.get(input) ?? direct.set(input, new Set()).get(input)!).add(i);
      if (c.time.length) (direct.get("time") ?? direct.set("time", new Set()).get("time")!).add(i);
    });
    for (const [input, set] of direct) {
      const all = new Set(set);
      for (let grew = true; grew;) {
        grew = false;
        for (const i of [...all]) {
          for (const j of direct.get(`g:${this.segNames[i]}`) ?? []) if (!all.has(j)) { all.add(j); grew = true; }
        }
      }
      this.affected.set(input, [...all].sort((x, y) => x - y));
    }
  }

  private setupCaps(): void {
    for (const r of this.opts.stack.resources) if (r.kind === "frequency_cap") this.caps.push(new Cap(r.name, r.spec, this.N));
  }

  private setupFlows(rt: Runtime): void {
    const switched = new Set(this.opts.switchedOn ?? []);
    const workflows = this.opts.stack.resources.filter((r): r is Resource<"workflow"> => r.kind === "workflow");
    for (const { name, spec } of workflows) {
      const skip = spec.status !== "active" ? spec.status : spec.trigger.type === "manual" ? "manual trigger: nobody enrols by themselves" : undefined;
      if (skip) {
        this.skipped.push({ ...emptyStats(name), skipped: skip });
        continue;
      }
      for (const { step } of walkSteps(spec.steps)) {
        const tz = step.type === "wait" ? step.until?.timezone : undefined;
        if (tz && !knownTimeZone(tz)) {
          this.notes.push(diag("simulate/unknown-timezone", "warning", `workflow \`${name}\` waits in time zone \`${tz}\`, which is not a known IANA zone: UTC is used`, {
            address: `workflow.${name}`, hint: "use a name like Europe/Berlin or America/Denver",
          }));
        }
      }
      const program = compileSteps(spec.steps, rt);
      const goal = spec.goal ? compile(spec.goal, rt) : undefined;
      const suppressEvents = (spec.suppression?.events ?? []).map((e) => compile(e, rt));
      const watch = new Set<Input>([...(goal?.inputs ?? []), ...suppressEvents.flatMap((c) => [...c.inputs])]);
      const flow: Flow = {
        index: this.flows.length, name, spec, hash: hashString(name), priority: spec.priority ?? 0, program,
        ...(spec.entry_filter ? { entry: compile(spec.entry_filter, rt) } : {}),
        ...(goal ? { goal } : {}),
        suppressSegments: spec.suppression?.segments ?? [], suppressEvents, watch,
        rollout: (spec.rollout_percent ?? 100) / 100, holdout: (spec.holdout_percent ?? 0) / 100,
        marketing: marketingChannels(spec).size > 0,
        reenrol: { allowed: !!spec.reenrollment?.allowed, afterMs: spec.reenrollment?.after ? durationMs(spec.reenrollment.after) : 0 },
        activeFrom: switched.has(name) ? this.start : -Infinity,
        longestMs: longestMs(program),
        capsOf: program.sends.map((s) => this.caps.flatMap((cap, i) => (cap.covers(name, s) ? [i] : []))),
        rates: program.sends.map((s) => this.a.engagement(s.template, s.channel)),
        lastEntry: new Float64Array(this.N).fill(NaN),
        entryCount: new Uint16Array(this.N),
        rolledOutFlag: new Uint8Array(this.N),
        reachedFlag: new Uint8Array(this.N),
        stats: emptyStats(name, spec.priority),
      };
      this.flows.push(flow);
      this.timeLeaves.push(...(goal?.time ?? []), ...suppressEvents.flatMap((c) => c.time));
      const t = spec.trigger;
      if (t.type === "segment_entry") {
        if (!this.members.has(t.segment) && rt.segments.get(t.segment)?.type !== "static") {
          this.notes.push(diag("simulate/unknown-segment", "warning", `workflow \`${name}\` is triggered by segment \`${t.segment}\`, which is not declared: nobody enters it`, { address: `workflow.${name}` }));
        }
        push(this.byTriggerSegment, t.segment, flow);
      } else if (t.type === "event") {
        const type = this.events.typeOf(t.event);
        const where = t.where?.length ? this.events.filter(type, t.where) : -1;
        push(this.byTriggerEvent, type, { flow, where });
      } else if (t.type === "date") push(this.byDate, t.property, flow);
    }
    // At one instant, journeys with a higher priority go first (they get the cap budget first).
    for (const list of this.byTriggerSegment.values()) list.sort((x, y) => y.priority - x.priority || x.index - y.index);
    for (const list of this.byTriggerEvent.values()) list.sort((x, y) => y.flow.priority - x.flow.priority || x.flow.index - y.flow.index);
  }

  private setupDerived(): void {
    for (const d of this.a.derived) {
      const kind = "count_of" in d ? "count_of" : "last_of" in d ? "last_of" : "days_until";
      const source = "count_of" in d ? d.count_of : "last_of" in d ? d.last_of : d.days_until;
      if (!this.pop.properties.has(d.property)) this.pop.properties.set(d.property, newColumn(kind === "last_of" ? "date" : "number", this.N));
      this.derived.push({ property: d.property, col: () => this.pop.properties.get(d.property), kind, source });
    }
  }

  /* ------------------------------------------------------------------- run */

  run(): SimulationResult {
    const rt = this.runtime();
    // Derived properties first: conditions compiled after them read their columns.
    this.setupDerived();
    this.setupSegments(rt);
    this.setupCaps();
    this.setupFlows(rt);
    this.groupTimeLeaves();
    this.initContacts();
    this.agenda.push(this.start, rankOf(K_WINDOW), K_WINDOW, 0, 0);
    if (this.derived.some((d) => d.kind === "days_until")) this.agenda.push(nextMidnight(this.t0), rankOf(K_NIGHT), K_NIGHT, 0, 0);
    for (let i = 0; i < this.segStats.length; i++) this.segStats[i]!.atStart = NaN;

    const ev = this.pop.events;
    const future = this.futureEvents();
    let next = 0;
    for (;;) {
      const staticTime = next < future.length ? ev.time[future[next]!]! : Infinity;
      const useStatic = next < future.length && !this.agenda.topBefore(staticTime, rankOf(K_EVENT));
      const time = useStatic ? staticTime : this.agenda.peekTime();
      if (time >= this.end) break;
      if (useStatic) {
        const k = future[next++]!;
        this.onEvent(ev.contact[k]!, ev.type[k]!, staticTime, k);
        continue;
      }
      this.agenda.pop();
      const { kind, a, b } = this.agenda.top;
      switch (kind) {
        case K_WINDOW: this.onWindowStart(); break;
        case K_CREATE: this.onCreate(a, time); break;
        case K_EVENT: this.onDynamicEvent(a, time); break;
        case K_UNSUB: this.unsubscribe(a, this.subscriptionNames[b]!, time); break;
        case K_NIGHT: this.onNight(time); break;
        case K_WAKE: if (this.wakeAt[a] === time) this.touch(a, time, TIME, true); break;
        case K_DATE: this.onDate(a, this.flows[b]!, time); break;
        case K_RUN: { const r = this.runs[a]!; if (!r.done && r.token === b) this.resume(r, time); break; }
      }
    }
    for (let i = 0; i < this.segNames.length; i++) this.segStats[i]!.atEnd = this.segStats[i]!.count;
    return summarize(this);
  }

  /** Count conditions on windows, and relative date conditions: what `scheduleWake` looks at (each once). */
  eventLeaves: Extract<TimeLeaf, { k: "event" }>[] = [];
  dateLeaves: Extract<TimeLeaf, { k: "date" }>[] = [];
  readonly leavesOf = new Map<Input, { events: Extract<TimeLeaf, { k: "event" }>[]; dates: Extract<TimeLeaf, { k: "date" }>[] }>();
  private groupTimeLeaves(): void {
    const seen = new Set<string>();
    const of = (input: Input) => this.leavesOf.get(input) ?? this.leavesOf.set(input, { events: [], dates: [] }).get(input)!;
    for (const l of this.timeLeaves) {
      const key = JSON.stringify(l);
      if (seen.has(key)) continue;
      seen.add(key);
      if (l.k === "event") {
        this.eventLeaves.push(l);
        of(`e:${this.events.names[l.type]}`).events.push(l);
      } else {
        this.dateLeaves.push(l);
        of(`p:${l.property}`).dates.push(l);
      }
    }
  }

  /** Population events after the simulation begins, by time: replayed as they happen. */
  private futureEvents(): Int32Array {
    // Bucket by minute, then order inside each (small) bucket: linear, where a comparison sort of millions is not.
    const ev = this.pop.events;
    const MIN = 60_000;
    const buckets = Math.ceil((this.end - this.t0) / MIN) + 1;
    const starts = new Int32Array(buckets + 1);
    let n = 0;
    for (let k = 0; k < ev.count; k++) {
      const t = ev.time[k]!;
      if (t > this.t0 && t < this.end) (starts[Math.floor((t - this.t0) / MIN) + 1]!++, n++);
    }
    for (let i = 0; i < buckets; i++) starts[i + 1]! += starts[i]!;
    const fill = starts.slice(0, buckets);
    const out = new Int32Array(n);
    for (let k = 0; k < ev.count; k++) {
      const t = ev.time[k]!;
      if (t > this.t0 && t < this.end) out[fill[Math.floor((t - this.t0) / MIN)]!++] = k;
    }
    for (let i = 0; i < buckets; i++) {
      const a = starts[i]!, b = starts[i + 1]!;
      if (b - a > 1) out.subarray(a, b).sort((x, y) => ev.time[x]! - ev.time[y]! || x - y);
    }
    return out;
  }

  readonly subscriptionNames: string[] = [];
  private subscriptionIndex(name: string): number {
    let i = this.subscriptionNames.indexOf(name);
    if (i < 0) i = this.subscriptionNames.push(name) - 1;
    return i;
  }

  private initContacts(): void {
    const all = Array.from(this.segNames.keys());
    for (let c = 0; c < this.N; c++) {
      const created = this.pop.created[c]!;
      if (created > this.t0) {
        if (created < this.end) this.agenda.push(created, rankOf(K_CREATE), K_CREATE, c, 0);
        continue;
      }
      this.initDerived(c);
      // The state at the start of the simulation: members already, nobody entering.
      for (const s of all) {
        if (this.segPred[s]!.test(c, this.t0)) {
          this.members.get(this.segNames[s]!)![c] = 1;
          this.segStats[s]!.count++;
        }
      }
      this.scheduleWake(c, this.t0);
      this.scheduleDates(c, this.t0, undefined);
    }
  }

  /** Derived properties as of the simulation's first instant (the population holds them as of `start`). */
  private initDerived(c: number): void {
    for (const d of this.derived) {
      const col = d.col()!;
      const type = this.events.typeOf(d.source);
      if (d.kind === "count_of" && col.kind !== "value") {
        const atStart = Number.isNaN(col.values[c]!) ? this.events.count(c, type, this.start, Infinity, -1) : col.values[c]!;
        col.values[c] = atStart - this.events.count(c, type, this.start, this.start - this.t0 - 1, -1);
      } else if (d.kind === "last_of" && col.kind !== "value") {
        const latest = this.events.lastAt(c, type, this.t0);
        col.values[c] = Number.isFinite(latest) ? latest : col.values[c]! <= this.t0 ? col.values[c]! : NaN;
      } else if (d.kind === "days_until") this.setDaysUntil(c, d.property, d.source, this.t0);
    }
  }

  /** Days to the source date's next anniversary, computed afresh (the nightly pass counts down instead). */
  private setDaysUntil(c: number, property: string, source: string, now: number): boolean {
    const col = this.pop.properties.get(property);
    const src = this.pop.properties.get(source);
    if (!col || col.kind === "value" || !src || src.kind === "value") return false;
    const v = src.values[c]!;
    const before = col.values[c]!;
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const next = Number.isNaN(v) ? NaN : Math.round((nextAnniversary(v, today) - today) / DAY_MS);
    if (before === next || (Number.isNaN(before) && Number.isNaN(next))) return false;
    col.values[c] = next;
    return true;
  }

  /* ---------------------------------------------------------------- changes */

  private readonly inputs = new Map<string, Map<string, Input>>();
  private readonly eventInputs: (readonly Input[] | undefined)[] = [];
  private readonly singles = new Map<string, readonly Input[]>();
  /** `e:placed_order`, made once: inputs are built in the hottest paths. */
  private inputOf(kind: "e" | "p" | "c" | "s", name: string): Input {
    let byName = this.inputs.get(kind) as Map<string, Input> | undefined;
    if (!byName) this.inputs.set(kind, (byName = new Map()));
    let v = byName.get(name);
    if (v === undefined) byName.set(name, (v = `${kind}:${name}`));
    return v;
  }

  private just(kind: "e" | "p" | "c" | "s", name: string): readonly Input[] {
    const key = this.inputOf(kind, name);
    let v = this.singles.get(key);
    if (v === undefined) this.singles.set(key, (v = [key]));
    return v;
  }

  /**
   * Something about contact `c` changed (`inputs`): re-evaluate the segments
   * that read it, start the journeys whose trigger segment it entered, and end
   * runs whose goal is met or whose suppression now applies.
   */
  touch(c: number, now: number, inputs: readonly Input[] | typeof ALL, timeWake = false): void {
    if (this.pop.created[c]! > now) return;
    let todo: readonly number[];
    if (inputs === ALL) {
      todo = this.allSegments;
      inputs = [...this.pop.segments.keys()].filter((s) => this.pop.segments.get(s)![c] === 1).map((s) => `s:${s}`);
      timeWake = true;
    } else if (inputs.length === 1) todo = this.affected.get(inputs[0]!) ?? NONE;
    else {
      const set = new Set<number>();
      for (const input of inputs) for (const s of this.affected.get(input) ?? NONE) set.add(s);
      todo = [...set].sort((x, y) => x - y);
    }
    let entered: string[] | undefined;
    let changed: Input[] | undefined;
    for (const s of todo) {
      const bits = this.segBits[s]!;
      const v = this.segPred[s]!.test(c, now) ? 1 : 0;
      if (bits[c] === v) continue;
      bits[c] = v;
      const st = this.segStats[s]!;
      st.count += v ? 1 : -1;
      if (now >= this.start) v ? st.entered++ : st.left++;
      (changed ??= [...inputs]).push(this.segInput[s]!);
      if (v) (entered ??= []).push(this.segNames[s]!);
    }
    if (this.active[c]) this.checkRuns(c, now, changed ?? inputs, entered ?? NONE);
    if (entered) for (const seg of entered) for (const f of this.byTriggerSegment.get(seg) ?? NONE) this.enrol(f, c, now);
    for (const input of inputs) {
      if (input.charCodeAt(0) !== 115 /* s */) continue;
      const seg = input.slice(2);
      if (this.pop.segments.get(seg)?.[c]) for (const f of this.byTriggerSegment.get(seg) ?? NONE) this.enrol(f, c, now);
    }
    if (timeWake) this.scheduleWake(c, now);
    else {
      for (const i of inputs) {
        if (this.leavesOf.has(i)) {
          this.scheduleWake(c, now, inputs);
          break;
        }
      }
    }
  }

  private checkRuns(c: number, now: number, changed: readonly Input[], entered: readonly string[]): void {
    const runs = this.active[c];
    if (!runs) return;
    for (const r of runs.length === 1 ? runs : [...runs]) {
      if (r.done) continue;
      const f = r.flow;
      // A purchase can meet the goal and join a suppression segment at once: the conversion is what happened.
      if (f.suppressSegments.length && entered.some((s) => f.suppressSegments.includes(s))) {
        this.finish(r, now, f.goal?.test(r.contact, now) ? "goal" : "suppressed");
      } else if (watches(f, changed)) this.checkExit(r, now);
    }
  }

  /** Goal met or suppressed now? Ends the run and says so. */
  private checkExit(r: Run, now: number): boolean {
    const f = r.flow, c = r.contact;
    if (f.goal && f.goal.test(c, now)) return this.finish(r, now, "goal"), true;
    if (!r.holdout && this.suppressed(f, c, now)) return this.finish(r, now, "suppressed"), true;
    return false;
  }

  private suppressed(f: Flow, c: number, now: number): boolean {
    for (const s of f.suppressSegments) {
      if (this.members.get(s)?.[c] === 1 || this.pop.segments.get(s)?.[c] === 1) return true;
    }
    return f.suppressEvents.some((e) => e.test(c, now));
  }

  /**
   * The next instant a count condition on a window, or a relative date
   * condition, flips for this contact by time passing alone. With `only`,
   * just the conditions reading those inputs are looked at: the others have
   * not changed, and the wake already scheduled is no later than their flips.
   */
  private scheduleWake(c: number, now: number, only?: readonly Input[]): void {
    let next = Infinity;
    if (!only) next = this.flipAmong(c, now, this.eventLeaves, this.dateLeaves, next);
    else {
      for (const i of only) {
        const l = this.leavesOf.get(i);
        if (l) next = this.flipAmong(c, now, l.events, l.dates, next);
      }
    }
    if (next >= this.end) return;
    if (this.wakeAt[c]! > now && this.wakeAt[c]! <= next) return;
    this.wakeAt[c] = next;
    this.agenda.push(next, rankOf(K_WAKE), K_WAKE, c, 0);
  }

  private flipAmong(
    c: number, now: number, events: readonly Extract<TimeLeaf, { k: "event" }>[], dates: readonly Extract<TimeLeaf, { k: "date" }>[], next: number,
  ): number {
    for (const l of events) {
      const t = this.events.nextFlip(c, now, l.type, l.windowMs, l.where, l.lo, l.hi);
      if (t < next) next = t;
    }
    for (const l of dates) {
      const col = this.pop.properties.get(l.property);
      if (!col || col.kind === "value" || Number.isNaN(col.values[c]!)) continue;
      const [enter, leave] = dateEdges(col.values[c]!, l.iv);
      if (enter > now && enter < next) next = enter;
      if (leave > now && leave < next) next = leave;
    }
    return next;
  }

  private onCreate(c: number, now: number): void {
    this.initDerived(c);
    this.touch(c, now, ALL);
    this.scheduleDates(c, now, undefined);
  }

  private onEvent(c: number, type: number, now: number, staticIndex: number): void {
    if (this.pop.created[c]! > now) return;
    const name = this.events.names[type]!;
    let inputs = this.eventInputs[type];
    if (!inputs) {
      // The event, and the properties kept in step with it: the same list for every occurrence.
      const derived = this.derived.filter((d) => d.source === name && d.kind !== "days_until").map((d) => this.inputOf("p", d.property));
      this.eventInputs[type] = inputs = [this.inputOf("e", name), ...derived];
    }
    for (const d of this.derived) {
      if (d.source !== name || d.kind === "days_until") continue;
      const col = d.col();
      if (!col || col.kind === "value") continue;
      col.values[c] = d.kind === "count_of" ? (Number.isNaN(col.values[c]!) ? 0 : col.values[c]!) + 1 : now;
    }
    this.touch(c, now, inputs);
    for (const { flow, where } of this.byTriggerEvent.get(type) ?? NONE) {
      const ok = where < 0 || (staticIndex >= 0 ? this.events.flagOf(where, staticIndex) : this.events.lastMatches(c, where));
      if (ok) this.enrol(flow, c, now);
    }
    // A purchase a message led to has the same consequences as any other (a delivery a few days later).
    if (staticIndex < 0) {
      for (const f of this.a.followers.get(name) ?? NONE) {
        const u = draw(this.seed, this.idHash[c]!, hashString(f.event), Math.floor(now), 7);
        if (u >= f.probability) continue;
        const at = Math.floor(now + f.delayMs * (0.5 + draw(this.seed, this.idHash[c]!, hashString(f.event), Math.floor(now), 8)));
        this.emit(c, f.event, at);
      }
    }
  }

  private readonly dynamic: { contact: number; type: number; echo: boolean; props?: Record<string, Scalar> }[] = [];
  private readonly propDrawers = new Map<string, ((r: Rng) => Record<string, Scalar>) | undefined>();
  /** An event the simulation causes (an open recorded as an event: an echo; a purchase after a click), at `at`. */
  private emit(c: number, event: string, at: number, echo = false): void {
    if (at >= this.end) return;
    // Its properties follow the population file's rules for the event, drawn from keyed dice.
    let drawer = this.propDrawers.get(event);
    if (!this.propDrawers.has(event)) this.propDrawers.set(event, (drawer = propertiesDrawer(this.a.events.get(event)?.properties, this.start)));
    const props = drawer?.(rng(Math.floor(draw(this.seed, this.idHash[c]!, hashString(event), Math.floor(at)) * 2 ** 32)));
    this.dynamic.push({ contact: c, type: this.events.typeOf(event), echo, ...(props ? { props } : {}) });
    this.agenda.push(at, rankOf(K_EVENT), K_EVENT, this.dynamic.length - 1, 0);
  }

  private onDynamicEvent(id: number, now: number): void {
    const d = this.dynamic[id]!;
    this.events.add(d.contact, d.type, now, d.props, d.echo);
    this.onEvent(d.contact, d.type, now, -1);
  }

  private unsubscribe(c: number, subscription: string, now: number): void {
    const flags = this.pop.consents.get(subscription);
    if (!flags || flags[c] !== 1) return;
    flags[c] = 0;
    this.touch(c, now, this.just("c", subscription));
  }

  private onNight(now: number): void {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    for (const d of this.derived) {
      if (d.kind !== "days_until") continue;
      const col = this.pop.properties.get(d.property), src = this.pop.properties.get(d.source);
      if (!col || col.kind === "value" || !src || src.kind === "value") continue;
      const input = this.just("p", d.property);
      const values = col.values, dates = src.values, created = this.pop.created;
      for (let c = 0; c < this.N; c++) {
        const v = dates[c]!;
        if (Number.isNaN(v) || created[c]! > now) continue;
        // A day later the anniversary is a day closer; only on the day itself does the count start over.
        const before = values[c]!;
        values[c] = before > 0 ? before - 1 : Math.round((nextAnniversary(v, today) - today) / DAY_MS);
        if (values[c] !== before && this.mayChange(c, now, input)) this.touch(c, now, input);
      }
    }
    this.agenda.push(now + DAY_MS, rankOf(K_NIGHT), K_NIGHT, 0, 0);
  }

  /**
   * Would this change matter: a segment reading it changes, or a run watches it?
   * Most nightly recomputations change neither, and skip the full `touch`.
   */
  private mayChange(c: number, now: number, inputs: readonly Input[]): boolean {
    const runs = this.active[c];
    if (runs) for (const r of runs) if (watches(r.flow, inputs)) return true;
    for (const i of inputs) {
      for (const s of this.affected.get(i) ?? NONE) if ((this.segPred[s]!.test(c, now) ? 1 : 0) !== this.segBits[s]![c]) return true;
    }
    return false;
  }

  private onWindowStart(): void {
    for (let i = 0; i < this.segNames.length; i++) this.segStats[i]!.atStart = this.segStats[i]!.count;
    for (let c = 0; c < this.N; c++) {
      const runs = this.active[c]?.filter((r) => !r.done && !r.holdout && r.flow.marketing);
      if (runs && runs.length > 1) this.noteOverlap(c, runs);
    }
    for (const f of this.flows) {
      if (f.activeFrom !== this.start || f.spec.trigger.type !== "segment_entry") continue;
      const seg = f.spec.trigger.segment;
      const bits = this.members.get(seg) ?? this.pop.segments.get(seg);
      if (bits) for (let c = 0; c < this.N; c++) if (bits[c] === 1) this.enrol(f, c, this.start);
    }
  }

  /* ------------------------------------------------------------ date triggers */

  private scheduleDates(c: number, from: number, property: string | undefined): void {
    for (const [prop, flows] of this.byDate) {
      if (property !== undefined && prop !== property) continue;
      const col = this.pop.properties.get(prop);
      if (!col || col.kind === "value" || Number.isNaN(col.values[c]!)) continue;
      for (const f of flows) {
        const at = fireAt(f.spec, col.values[c]!, from);
        if (at < this.end) this.agenda.push(at, rankOf(K_DATE, f.priority), K_DATE, c, f.index);
      }
    }
  }

  private onDate(c: number, f: Flow, now: number): void {
    const t = f.spec.trigger as Extract<WorkflowSpec["trigger"], { type: "date" }>;
    const col = this.pop.properties.get(t.property);
    if (!col || col.kind === "value" || Number.isNaN(col.values[c]!)) return;
    // A date changed since this was scheduled: the new date has its own entry.
    if (fireAt(f.spec, col.values[c]!, now) !== now) return;
    this.enrol(f, c, now);
    const again = fireAt(f.spec, col.values[c]!, now + 1);
    if (again < this.end) this.agenda.push(again, rankOf(K_DATE, f.priority), K_DATE, c, f.index);
  }

  /* --------------------------------------------------------------- journeys */

  private enrol(f: Flow, c: number, now: number): void {
    if (now < f.activeFrom || this.pop.created[c]! > now) return;
    const inPeriod = now >= this.start;
    const st = f.stats;
    if (this.active[c]?.some((r) => r.flow === f && !r.done)) return;
    const last = f.lastEntry[c]!;
    if (!Number.isNaN(last) && (!f.reenrol.allowed || now - last < f.reenrol.afterMs)) {
      if (inPeriod) st.notReenrolled++;
      return;
    }
    if (f.entry && !f.entry.test(c, now)) {
      if (inPeriod) st.filtered++;
      return;
    }
    if (this.suppressed(f, c, now)) {
      if (inPeriod) st.suppressed++;
      return;
    }
    const h = this.idHash[c]!;
    if (draw(this.seed, f.hash, h, 1) >= f.rollout) {
      if (inPeriod && !f.rolledOutFlag[c]) (f.rolledOutFlag[c] = 1), st.notRolledOut++;
      return;
    }
    if (this.busyAt[c] === now) {
      if (++this.busyCount[c]! > LOOP_LIMIT) return this.noteLoop(f, c);
    } else {
      this.busyAt[c] = now;
      this.busyCount[c] = 1;
    }
    const holdout = draw(this.seed, f.hash, h, 2) < f.holdout;
    const seq = f.entryCount[c]!;
    f.entryCount[c] = seq + 1;
    f.lastEntry[c] = now;
    const r: Run = { id: this.runs.length, flow: f, contact: c, pc: 0, entered: now, holdout, seq, sends: [], done: false, token: 0 };
    this.runs.push(r);
    const list = this.active[c] ?? (this.active[c] = []);
    if (inPeriod) {
      if (holdout) st.holdout++;
      else {
        st.entries++;
        if (!f.reachedFlag[c]) (f.reachedFlag[c] = 1), st.reach++;
        const others = f.marketing ? list.filter((x) => !x.done && !x.holdout && x.flow.marketing) : [];
        if (others.length) this.noteOverlap(c, [...others, r]);
      }
    }
    list.push(r);
    this.journal.add(now, c, J.enter, f.index, holdout ? 1 : 0, 0);
    // Holdout contacts get nothing; they are watched for the goal as long as the journey could last.
    this.schedule(r, holdout ? now + f.longestMs : now);
  }

  private noteLoop(f: Flow, c: number): void {
    if (this.notes.some((n) => n.code === "simulate/loop" && n.address === `workflow.${f.name}`)) return;
    this.notes.push(diag("simulate/loop", "warning", `contact ${this.pop.ids[c]} entered journeys more than ${LOOP_LIMIT} times in one instant, last \`${f.name}\`: the journeys enrol each other with no wait`, {
      address: `workflow.${f.name}`, hint: "add a wait before `add_to_segment`, or `reenrollment.after` (journey/loop-without-wait)",
    }));
  }

  private noteOverlap(c: number, runs: readonly Run[]): void {
    this.overlapFlag[c] = 1;
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const [x, y] = [runs[i]!.flow.name, runs[j]!.flow.name].sort() as [string, string];
        if (x === y) continue;
        const key = `${x}\u0000${y}`;
        (this.pairs.get(key) ?? this.pairs.set(key, new Set()).get(key)!).add(c);
      }
    }
  }

  private schedule(r: Run, at: number): void {
    r.token++;
    if (at < this.end) this.agenda.push(at, rankOf(K_RUN, r.flow.priority), K_RUN, r.id, r.token);
  }

  private finish(r: Run, now: number, why: ExitReason): void {
    if (r.done) return;
    r.done = true;
    const list = this.active[r.contact]!;
    list.splice(list.indexOf(r), 1);
    if (!list.length) this.active[r.contact] = undefined;
    const st = r.flow.stats;
    if (r.entered >= this.start) {
      if (why === "goal") r.holdout ? st.holdoutConverted++ : st.converted++;
      if (!r.holdout) st.exits[why] = (st.exits[why] ?? 0) + 1;
    }
    this.journal.add(now, r.contact, J.exit, r.flow.index, EXITS.indexOf(why), r.holdout ? 1 : 0);
  }

  private resume(r: Run, now: number): void {
    if (this.checkExit(r, now)) return;
    if (r.holdout) return this.finish(r, now, "completed");
    const { ops } = r.flow.program;
    const c = r.contact;
    while (!r.done) {
      if (r.pc >= ops.length) return this.finish(r, now, "completed");
      const op = ops[r.pc]!;
      switch (op.op) {
        case "send":
          this.send(r, op, now);
          r.pc++;
          break;
        case "wait":
          r.pc++;
          return this.schedule(r, now + op.ms);
        case "until": {
          r.pc++;
          const at = Math.min(untilMoment(now, op.until) ?? Infinity, now + (op.maxMs ?? Infinity));
          if (at === Infinity) return; // waits forever (journey/unbounded-wait): the run stays in the journey
          if (at > now) return this.schedule(r, at);
          break;
        }
        case "branch":
          r.pc = op.cond.test(c, now) ? r.pc + 1 : op.else;
          break;
        case "engaged": {
          const o = op.send >= 0 ? r.sends[op.send] : undefined;
          const deadline = o ? o.at + (op.withinMs ?? Infinity) : -Infinity;
          const at = o ? actionAt(o, op.action) : undefined;
          if (at !== undefined && at <= deadline) {
            if (at > now) return this.schedule(r, at);
            r.pc++;
          } else if (deadline <= now) r.pc = op.else;
          else if (deadline < Infinity) return this.schedule(r, deadline);
          else return; // waits for an action that never comes (journey/branch-without-end)
          break;
        }
        case "split": {
          const u = draw(this.seed, r.flow.hash, this.idHash[c]!, r.seq, 1000 + r.pc);
          const k = op.cumulative.findIndex((x) => u < x);
          r.pc = op.targets[k < 0 ? op.targets.length - 1 : k]!;
          break;
        }
        case "set": {
          r.pc++;
          const col = this.pop.properties.get(op.property);
          if (col) {
            setValue(col, c, op.value);
            this.journal.add(now, c, J.update, r.flow.index, this.labelId(`${op.property} = ${JSON.stringify(op.value)}`), 0);
            if (this.byDate.has(op.property)) this.scheduleDates(c, now, op.property);
            const inputs = [this.inputOf("p", op.property)];
            for (const d of this.derived) {
              if (d.kind === "days_until" && d.source === op.property && this.setDaysUntil(c, d.property, d.source, now)) inputs.push(this.inputOf("p", d.property));
            }
            this.touch(c, now, inputs);
          }
          break;
        }
        case "add":
        case "remove": {
          r.pc++;
          const bits = this.pop.segments.get(op.segment) ?? this.pop.segments.set(op.segment, new Uint8Array(this.N)).get(op.segment)!;
          const v = op.op === "add" ? 1 : 0;
          if (bits[c] !== v) {
            bits[c] = v;
            this.journal.add(now, c, J.segment, r.flow.index, this.labelId(`${op.op === "add" ? "added to" : "removed from"} ${op.segment}`), 0);
            this.touch(c, now, this.just("s", op.segment));
          }
          break;
        }
        case "webhook":
          r.pc++;
          if (now >= this.start) r.flow.stats.webhooks++;
          this.journal.add(now, c, J.webhook, r.flow.index, 0, 0);
          break;
        case "exit":
          return this.finish(r, now, "exit");
        case "jump":
          r.pc = op.to;
          break;
      }
    }
  }

  readonly labels: string[] = [];
  private labelId(text: string): number {
    let i = this.labels.indexOf(text);
    if (i < 0) i = this.labels.push(text) - 1;
    return i;
  }

  private send(r: Run, op: SendOp, now: number): void {
    const c = r.contact, f = r.flow, st = f.stats;
    const inPeriod = now >= this.start;
    if (op.subscription && this.pop.consents.get(op.subscription)?.[c] !== 1) {
      if (inPeriod) st.noConsent++;
      this.journal.add(now, c, J.noConsent, f.index, op.send, 0);
      return;
    }
    const blocking = f.capsOf[op.send]!.filter((i) => this.caps[i]!.full(c, now));
    if (blocking.length) {
      if (inPeriod) {
        for (const i of blocking) this.caps[i]!.stopped(c, f.name);
        st.capped++;
        this.capHits[c]!++;
      }
      this.journal.add(now, c, J.capped, f.index, op.send, blocking[0]!);
      return;
    }
    for (const i of f.capsOf[op.send]!) this.caps[i]!.sent(c, now);
    this.journal.add(now, c, J.send, f.index, op.send, 0);
    if (inPeriod) {
      this.count(c, op.channel, now, st);
      st.sends[op.label] = (st.sends[op.label] ?? 0) + 1;
    }
    r.sends[op.send] = this.engage(r, op, now);
  }

  private count(c: number, channel: Channel, now: number, st: WorkflowStats): void {
    const ch = CHANNELS.indexOf(channel);
    st.messages[channel] = (st.messages[channel] ?? 0) + 1;
    this.messages[c]!++;
    const day = Math.floor((now - this.start) / DAY_MS);
    this.daily[day]![ch]!++;
    const week = Math.floor(day / 7);
    if (week < this.weeks) {
      const k = (c * this.weeks + week) * CHANNELS.length + ch;
      if (this.weekly[k]! < 65535) this.weekly[k]!++;
    }
  }

  /** What the contact does with the message, drawn from the assumed rates, keyed so `--compare` draws the same. */
  private engage(r: Run, op: SendOp, now: number): Outcome {
    const rates = r.flow.rates[op.send]!;
    const c = r.contact, h = this.idHash[c]!, f = r.flow;
    const u = (salt: number) => draw(this.seed, h, f.hash, op.send * 64 + salt, r.seq);
    const o = drawOutcome(rates, now, u);
    if (!o.delivered) return o;
    const inPeriod = now >= this.start;
    if (o.opened !== undefined) {
      if (inPeriod) f.stats.opened++;
      this.journal.add(o.opened, c, J.opened, f.index, op.send, 0);
    }
    if (o.clicked !== undefined) {
      if (inPeriod) f.stats.clicked++;
      this.journal.add(o.clicked, c, J.clicked, f.index, op.send, 0);
      if (rates.converts && u(10) < rates.converts.probability) {
        this.emit(c, rates.converts.event, Math.floor(o.clicked + durationMs(rates.converts.delay) * (0.5 + u(11))));
      }
    }
    if (o.unsubscribed !== undefined && op.subscription && o.unsubscribed < this.end) {
      this.journal.add(o.unsubscribed, c, J.unsubscribed, f.index, op.send, 0);
      this.agenda.push(o.unsubscribed, rankOf(K_UNSUB), K_UNSUB, c, this.subscriptionIndex(op.subscription));
    }
    for (const { action, event } of rates.record) {
      const at = action === "delivered" ? now : o[action];
      if (at !== undefined) this.emit(c, event, Math.floor(at), true);
    }
    return o;
  }
}

export const EXITS: ExitReason[] = ["goal", "suppressed", "exit", "completed", "loop"];

export type { Simulation };

function watches(f: Flow, changed: readonly Input[]): boolean {
  for (const i of changed) if (i === "time" || f.watch.has(i)) return true;
  return false;
}

function emptyStats(workflow: string, priority?: number): WorkflowStats {
  return {
    workflow, ...(priority !== undefined ? { priority } : {}),
    entries: 0, reach: 0, holdout: 0, notRolledOut: 0, filtered: 0, suppressed: 0, notReenrolled: 0,
    messages: {}, sends: {}, capped: 0, noConsent: 0, opened: 0, clicked: 0, converted: 0, holdoutConverted: 0, exits: {}, active: 0, webhooks: 0,
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function refsIn(c: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== "object") return;
    if (Array.isArray(x)) return x.forEach(walk);
    const o = x as Record<string, unknown>;
    if (typeof o.in_segment === "string") out.push(o.in_segment);
    for (const v of Object.values(o)) walk(v);
  };
  walk(c);
  return out;
}

function ownState(p: Population): Population {
  const copy = <T>(m: Map<string, T>, f: (x: T) => T) => new Map([...m].map(([k, v]) => [k, f(v)]));
  return {
    ...p,
    properties: copy(p.properties, (c): Column => (c.kind === "value"
      ? { kind: "value", codes: c.codes.slice(), dict: [...c.dict], index: new Map(c.index) }
      : { kind: c.kind, values: c.values.slice() } as Column)),
    consents: copy(p.consents, (a) => a.slice()),
    segments: copy(p.segments, (a) => a.slice()),
  };
}

