import type { Diagnostic } from "../diagnostics";
import type { Kind, ProviderConfig, Resource, SpecOf } from "../model";

/**
 * Which stack made an object. Stamped on create (and kept on update) where the
 * platform has a place for it, so that another stack never takes the object
 * over, and a create whose answer was lost is recognised as this stack's own.
 */
export interface OwnerMark {
  stack: string;
  environment: string;
  /** The state's lineage: a state rebuilt from nothing is not the one that made it. */
  lineage: string;
}

/** A live platform object, already normalised to the neutral model. */
export interface LiveObject<K extends Kind = Kind> {
  kind: K;
  /** Platform-assigned id. */
  id: string;
  name: string;
  /** Neutral spec, with platform defaults folded away so that equal means equal. */
  spec: SpecOf[K];
  /** Platform concurrency token (HubSpot revisionId, an ETag, …). */
  version?: string;
  /** The owner mark the platform holds for it, when it holds one. */
  owner?: OwnerMark;
}

/** What a platform's API allows for one kind. `manual`: only in the platform's UI. */
export type Support = "api" | "manual" | "none";
export interface KindCapability {
  read: boolean;
  create: Support;
  update: Support;
  delete: Support;
  /** Changes the platform cannot make in place force delete + create (`replace`). */
  replaceOn?: string[];
  /** Plain words for the plan ("HubSpot has no API for frequency caps: set it in Settings > Marketing > Email"). */
  note?: string;
  /** Where this platform keeps the owner mark of this kind, in words ("metadata"); absent: it has no place for one. */
  ownerMark?: string;
  /** The platform refuses two objects of this kind with one name: a replace must delete the old one first. */
  uniqueNames?: boolean;
  /**
   * `drain`: contacts inside an object must finish before it goes. A replace
   * creates the new object, stops the old one admitting (`retire`) and deletes
   * it on a later apply once `inFlight` says it is empty.
   */
  replaceStrategy?: "drain";
}
export type Capabilities = Partial<Record<Kind, KindCapability>>;

/**
 * Maps neutral names to platform ids and back, for references inside specs
 * (a workflow names `segment.vip`; the platform wants list id 123).
 */
export interface RefResolver {
  idOf(kind: Kind, name: string): string | undefined;
  nameOf(kind: Kind, id: string): string | undefined;
}

/** Everything a provider may want from the engine for one call. */
export interface CallContext {
  refs: RefResolver;
  /** Aborted when the user interrupts an apply. */
  signal?: AbortSignal;
  /** create and update stamp this mark where the platform has a place for one (KindCapability.ownerMark). */
  owner?: OwnerMark;
}

/** One change a platform's API cannot make, for the provider to say how a person makes it. */
export interface ManualChange {
  kind: Kind;
  name: string;
  /** What the person does: make the object, change it, or remove it. */
  operation: "create" | "update" | "delete";
  /** The live object's platform id, when there is one. */
  id?: string;
  /** The live spec (what Mops last applied, when the kind is not read). */
  before?: SpecOf[Kind];
  /** The desired spec as the provider normalised it; absent for a removal. */
  after?: SpecOf[Kind];
}

/** A write quota a plan counts its operations against (Klaviyo: 15 flow creates a minute, 100 a day). */
export interface Quota {
  /** In words: "flow creates". */
  name: string;
  applies: { kind: Kind; action: "create" | "update" | "delete" }[];
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
  /** What is left of today's allowance, when the platform says. */
  remainingToday?: number;
}

/**
 * The contract every platform adapter implements (Pulumi's dynamic provider
 * shape: check / diff via normalise, create / read / update / delete).
 * Providers throw `ProviderError` for platform refusals; anything else is a bug.
 */
export interface Provider {
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Bulk, paginated read of every live object of a kind (one call per page). */
  list(kind: Kind, ctx: CallContext): Promise<LiveObject[]>;
  read(kind: Kind, id: string, ctx: CallContext): Promise<LiveObject | undefined>;
  create(resource: Resource, ctx: CallContext): Promise<LiveObject>;
  update(resource: Resource, live: LiveObject, ctx: CallContext): Promise<LiveObject>;
  delete(kind: Kind, id: string, ctx: CallContext): Promise<void>;
  /**
   * Desired spec as this platform will store it (drop what it cannot hold,
   * add its defaults), so plan compares like with like. Identity when absent.
   */
  normalize?(resource: Resource): Resource;
  /**
   * The capability of one object where it is not its kind's (a Braze Canvas
   * message is read-only while the kind's other templates are written);
   * undefined: the kind's. Given the desired or the live spec.
   */
  capabilityOf?(kind: Kind, spec: SpecOf[Kind]): KindCapability | undefined;
  /**
   * What a person does for this manual change, exactly (the dashboard clicks
   * from the live object to the declared one), from what the last refresh
   * read; undefined: the capability's note.
   */
  manualNote?(change: ManualChange): string | undefined;
  /** Optional per-provider pre-flight checks of a stack (e.g. HubSpot roles exist). */
  check?(resources: Resource[], ctx: CallContext): Promise<Diagnostic[]>;
  /** Estimated audience size of a segment, where the platform reports it. */
  segmentSize?(id: string, ctx: CallContext): Promise<number | undefined>;
  /** Stop a live object admitting new contacts while those inside finish (a drained replace). */
  retire?(kind: Kind, id: string, ctx: CallContext): Promise<void>;
  /** Contacts still inside an object being drained; undefined when the platform cannot say. */
  inFlight?(kind: Kind, id: string, ctx: CallContext): Promise<number | undefined>;
  /** Write quotas a plan counts its operations against. */
  quotas?(ctx: CallContext): Promise<Quota[]>;
  /** Number of HTTP requests made so far (benchmarks, tests). */
  readonly requestCount?: number;
  close(): Promise<void>;
}

/** A platform refused or failed: carries a diagnostic for the user. Never holds a secret. */
export class ProviderError extends Error {
  constructor(
    readonly diagnostic: Diagnostic,
    /** True when retrying later might succeed (429 after retries ran out, 5xx, network). */
    readonly retryable = false,
    readonly status?: number,
    /** `quota`: the platform's daily allowance is spent; the run starts nothing more and the next one continues. */
    readonly stop?: "quota",
  ) {
    super(diagnostic.message);
    this.name = "ProviderError";
  }
}

export interface ProviderFactoryOptions {
  config: ProviderConfig;
  /** Stack name + environment, e.g. for the sandbox's default data directory. */
  stack: string;
  environment: string;
  /** Directory of the stack (relative paths in config resolve against it). */
  baseDir: string;
  /** Environment variables (injectable for tests). */
  env: NodeJS.ProcessEnv;
  /** Called before an HTTP request is retried, so the engine can emit `retry` events. */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
}

export type ProviderFactory = (opts: ProviderFactoryOptions) => Promise<Provider>;
