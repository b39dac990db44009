import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "typescript";

/**
 * Strict checks against the models of HubSpot's official Node client
 * (`@hubspot/api-client`, a dev dependency; 13.5 and 14.0 ship identical
 * models for every area used here). The client's ObjectSerializer is lenient:
 * it drops unknown fields, ignores missing ones and passes any string through
 * an enum. So the checker walks the same metadata it uses (`attributeTypeMap`:
 * name, baseName, type; `discriminator` + `mapping` for unions; the `...Enum`
 * objects) and adds what the generated JavaScript does not carry: which fields
 * are required, read from the generated declarations (`'name': T` is required,
 * `'name'?: T` is optional), which mirror the OpenAPI `required` lists.
 */

const require = createRequire(import.meta.url);
const CODEGEN = join(dirname(require.resolve("@hubspot/api-client/package.json")), "lib", "codegen");

interface Attribute { name: string; baseName: string; type: string; format: string }
interface ModelClass {
  new (): object;
  discriminator?: string;
  mapping?: Record<string, string>;
  getAttributeTypeMap?(): Attribute[];
}
interface Serializer {
  deserialize(data: unknown, type: string, format: string): unknown;
  findCorrectType(data: unknown, type: string): string;
}

/** A field that does not fit its model, at a JSONPath-like location. */
export interface Violation { at: string; problem: string }

const PRIMITIVES = new Set(["string", "number", "boolean", "any", "object"]);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One API area of the client (`crm/lists`, `marketing/emails`, …): its ObjectSerializer and models. */
export class ModelSet {
  private readonly module: Record<string, unknown>;
  private readonly serializer: Serializer;
  private readonly required = new Map<string, Set<string>>();

  constructor(readonly area: string) {
    this.module = require(join(CODEGEN, area, "models", "ObjectSerializer.js"));
    this.serializer = this.module.ObjectSerializer as Serializer;
  }

  /** The model a union resolves to for this value (by its discriminator), as the ObjectSerializer picks it. */
  resolve(value: unknown, type: string): string {
    return this.serializer.findCorrectType(value, type);
  }

  /** Everything wrong with `value` as a `type`; empty when it conforms. */
  check(value: unknown, type: string, at = "$"): Violation[] {
    const out: Violation[] = [];
    // The official deserializer must accept it and choose the model the walk checks against.
    try {
      const instance = this.serializer.deserialize(value, type, "");
      const chosen = this.classOf(this.serializer.findCorrectType(value, type));
      if (chosen?.getAttributeTypeMap && isPlainObject(value) && !(instance instanceof chosen)) {
        out.push({ at, problem: `ObjectSerializer did not deserialize it as ${type}` });
      }
    } catch (e) {
      out.push({ at, problem: `ObjectSerializer cannot deserialize it as ${type}: ${(e as Error).message}` });
    }
    this.walk(value, type, "", at, out);
    return out;
  }

  private classOf(type: string): ModelClass | undefined {
    const c = this.module[type] ?? this.module[`${type}Class`];
    return typeof c === "function" ? (c as ModelClass) : undefined;
  }

  private enumValues(type: string): unknown[] | undefined {
    const e = this.module[type];
    return type.endsWith("Enum") && isPlainObject(e) ? Object.values(e) : undefined;
  }

  /** Required fields (by JSON name) of a model, from its generated declaration. */
  private requiredOf(type: string, attrs: readonly Attribute[]): Set<string> {
    let names = this.required.get(type);
    if (names) return names;
    const file = join(CODEGEN, this.area, "models", `${type}.d.ts`);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    const declared = new Set<string>();
    source.forEachChild((node) => {
      if (!ts.isClassDeclaration(node) || node.name?.text !== type) return;
      for (const m of node.members) {
        const isStatic = ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        if (ts.isPropertyDeclaration(m) && !isStatic && !m.questionToken && (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name))) declared.add(m.name.text);
      }
    });
    names = new Set(attrs.filter((a) => declared.has(a.name)).map((a) => a.baseName));
    this.required.set(type, names);
    return names;
  }

  private walk(v: unknown, type: string, format: string, at: string, out: Violation[]): void {
    if (v === undefined) return;
    const bad = (problem: string): void => void out.push({ at, problem });
    if (v === null) return bad(`null where the model has ${type}`);
    if (type.startsWith("Array<")) {
      if (!Array.isArray(v)) return bad(`expected an array of ${type.slice(6, -1)}`);
      v.forEach((x, i) => this.walk(x, type.slice(6, -1), format, `${at}[${i}]`, out));
      return;
    }
    if (type.startsWith("{ [key: string]: ")) {
      if (!isPlainObject(v)) return bad(`expected a map of ${type}`);
      for (const [k, x] of Object.entries(v)) this.walk(x, type.slice("{ [key: string]: ".length, -"; }".length), format, `${at}.${k}`, out);
      return;
    }
    if (PRIMITIVES.has(type)) {
      if (type === "any") return;
      if (type === "object") return void (isPlainObject(v) || bad("expected an object"));
      if (typeof v !== type) return bad(`expected a ${type}, got ${JSON.stringify(v)}`);
      if ((format === "int32" || format === "int64") && !Number.isInteger(v)) bad(`expected a whole number (${format}), got ${v}`);
      return;
    }
    if (type === "Date") {
      if (typeof v !== "string" || Number.isNaN(Date.parse(v))) bad(`expected a ${format || "date"} string, got ${JSON.stringify(v)}`);
      return;
    }
    const values = this.enumValues(type);
    if (values) {
      if (!values.includes(v)) bad(`${JSON.stringify(v)} is not one of ${type}: ${values.join(", ")}`);
      return;
    }
    this.walkModel(v, type, at, out);
  }

  private walkModel(v: unknown, type: string, at: string, out: Violation[]): void {
    const bad = (problem: string): void => void out.push({ at, problem });
    const union = this.classOf(type);
    if (!union) return bad(`the client has no model ${type}`);
    if (!isPlainObject(v)) return bad(`expected a ${type} object, got ${JSON.stringify(v)}`);
    const resolved = this.serializer.findCorrectType(v, type);
    const model = this.classOf(resolved);
    if (!model?.getAttributeTypeMap) {
      const key = union.discriminator;
      return bad(`no ${type} model for ${key}=${JSON.stringify(key ? v[key] : undefined)} (known: ${Object.keys(union.mapping ?? {}).join(", ")})`);
    }
    const attrs = model.getAttributeTypeMap();
    const known = new Set(attrs.map((a) => a.baseName));
    for (const k of Object.keys(v)) if (!known.has(k)) bad(`unknown field \`${k}\` (${resolved} has ${[...known].join(", ")})`);
    for (const k of this.requiredOf(resolved, attrs)) if (v[k] === undefined) bad(`missing required field \`${k}\` of ${resolved}`);
    for (const a of attrs) this.walk(v[a.baseName], a.type, a.format, `${at}.${a.baseName}`, out);
  }
}

const areas = new Map<string, ModelSet>();
/** The model set of one client area, loaded once. */
export function models(area: string): ModelSet {
  let m = areas.get(area);
  if (!m) areas.set(area, (m = new ModelSet(area)));
  return m;
}
