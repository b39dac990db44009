import { Type, type TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { ACTIONS, KINDS, REASON_CODES } from "../model";
import { StateError } from "./types";

/**
 * Everything Mops reads back (state, journal, lock, history) is checked
 * against these shapes: a damaged or hand-edited file is a clear error naming
 * the file and the first bad field, never an internal error or a silent default.
 */

const Kind = Type.Union(KINDS.map((k) => Type.Literal(k)));
const Spec = Type.Record(Type.String(), Type.Unknown());
const Str = Type.String();
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);

export const StateResourceSchema = Type.Object({
  address: Str,
  kind: Kind,
  name: Str,
  id: Opt(Str),
  attributes: Spec,
  version: Opt(Str),
  origin: Type.Union([Type.Literal("created"), Type.Literal("imported"), Type.Literal("confirmed")]),
  confirmedBy: Opt(Str),
  changedIn: Opt(Type.Integer({ minimum: 1 })),
  updatedAt: Str,
});

const RetiredSchema = Type.Object({
  address: Str,
  kind: Kind,
  id: Str,
  attributes: Spec,
  mode: Type.Union([Type.Literal("replace"), Type.Literal("drain")]),
  since: Str,
  stopped: Opt(Type.Boolean()),
});

const OperationSchema = Type.Object({
  op: Str,
  address: Str,
  kind: Kind,
  name: Str,
  action: Type.Union(["create", "update", "delete", "adopt", "confirm", "retire"].map((a) => Type.Literal(a))),
  id: Opt(Str),
  after: Opt(Spec),
  startedAt: Str,
  result: Opt(Type.Union([Type.Literal("done"), Type.Literal("failed")])),
  message: Opt(Str),
});

const Command = Type.Union([Type.Literal("apply"), Type.Literal("rollback"), Type.Literal("import")]);
const StackShape = Type.Object({ name: Str, environment: Str, resources: Type.Array(Type.Object({ kind: Kind, name: Str, spec: Spec })) });

const RunFields = {
  id: Str,
  actor: Str,
  command: Command,
  startedAt: Str,
  version: Type.Integer({ minimum: 1 }),
  gitCommit: Opt(Str),
  rollbackOf: Opt(Type.Integer()),
  approvers: Opt(Type.Array(Str)),
  desired: StackShape,
};
const RunSchema = Type.Object({ ...RunFields, operations: Type.Array(OperationSchema) });

export const StateSchema = Type.Object({
  lineage: Type.String({ minLength: 1 }),
  serial: Type.Integer({ minimum: 0 }),
  stack: Str,
  environment: Str,
  resources: Type.Record(Str, StateResourceSchema),
  retired: Opt(Type.Record(Str, RetiredSchema)),
  run: Opt(RunSchema),
});

export const DeltaSchema = Type.Union([
  Type.Object({ type: Type.Literal("resource"), address: Str, resource: Type.Union([StateResourceSchema, Type.Null()]), op: Opt(Str) }),
  Type.Object({ type: Type.Literal("retired"), key: Str, object: Type.Union([RetiredSchema, Type.Null()]), op: Opt(Str) }),
  Type.Object({ type: Type.Literal("run-begin"), run: Type.Object(RunFields) }),
  Type.Object({ type: Type.Literal("op-begin"), operation: OperationSchema }),
  Type.Object({ type: Type.Literal("op-end"), op: Str, result: Type.Union([Type.Literal("done"), Type.Literal("failed")]), message: Opt(Str) }),
  Type.Object({ type: Type.Literal("run-end"), run: Str }),
]);

export const LockInfoSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  holder: Str,
  operation: Str,
  time: Str,
  pid: Opt(Type.Integer()),
  host: Opt(Str),
});

const ChangeRecordSchema = Type.Object({
  address: Str,
  kind: Kind,
  name: Str,
  action: Type.Union(ACTIONS.filter((a) => a !== "noop").map((a) => Type.Literal(a))),
  reasons: Type.Array(Type.Object({ code: Type.Union(REASON_CODES.map((c) => Type.Literal(c))) }, { additionalProperties: true })),
  id: Opt(Str),
  replaceMode: Opt(Str),
  paths: Opt(Type.Array(Str)),
});

const Count = Type.Integer({ minimum: 0 });
export const SummarySchema = Type.Object({ add: Count, change: Count, replace: Count, destroy: Count, manual: Count, adopt: Count, drifted: Count });

/** A version as this release writes it. Versions written before it carried the whole plan instead of `changes`. */
export const VersionSchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  time: Str,
  actor: Str,
  gitCommit: Opt(Str),
  command: Command,
  rollbackOf: Opt(Type.Integer()),
  run: Opt(Str),
  desired: StackShape,
  changes: Type.Array(ChangeRecordSchema),
  summary: SummarySchema,
  outcome: Type.Union(["complete", "partial", "failed", "cancelled", "recovered"].map((o) => Type.Literal(o))),
  errors: Opt(Type.Array(Type.Object({ address: Str, message: Str }))),
  approvers: Opt(Type.Array(Str)),
  recoveredBy: Opt(Type.Object({ actor: Str, time: Str })),
  stateSerial: Type.Integer({ minimum: 0 }),
  prevHash: Str,
  hash: Str,
});

/** `/resources/segment.vip/kind` -> `resources["segment.vip"].kind`: the field as a person reads it. */
function fieldPath(pointer: string): string {
  if (!pointer) return "(the whole value)";
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? (acc ? `${acc}.${p}` : p) : `${acc}[${JSON.stringify(p)}]`), "");
}

/** Checkers compiled on first use: reading a long history checks thousands of versions. */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = TypeCompiler.Compile(schema)));
  return c;
}

/** The first problem of `value` against `schema`, in words, or undefined when it conforms. */
export function firstProblem(schema: TSchema, value: unknown): string | undefined {
  const c = checker(schema);
  if (c.Check(value)) return undefined;
  const e = c.Errors(value).First();
  if (!e) return "does not have the expected shape";
  return `${fieldPath(e.path)}: ${e.message.toLowerCase()}${e.value === undefined ? "" : ` (found ${preview(e.value)})`}`;
}

const preview = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
};

/**
 * Parse and check a file Mops wrote: damage becomes a StateError that names
 * the file, the first bad field, and the way out.
 */
export function parseStored<T>(schema: TSchema, text: string, file: string, wayOut: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StateError(`${file} is not valid JSON (${(e as Error).message})`, wayOut);
  }
  const problem = firstProblem(schema, value);
  if (problem) throw new StateError(`${file} is damaged: ${problem}`, wayOut);
  return value as T;
}
