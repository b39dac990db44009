/**
 * `npm run generate`: the validators of stack files, policy files and the
 * repository config as plain
 * JavaScript (ajv standalone code), so no run of `mops` compiles a schema.
 * Writes src/stack/validators.generated.js; test/unit/stack/validators.test.ts
 * fails when that file was not made from the schemas as they are now.
 *
 * When a union fails, src/stack/schema-check.ts validates the value against the
 * one branch the author meant, to report only that branch's mistakes. So every
 * branch of a union is compiled as a definition of its own (`$id: branch-N`,
 * referenced from the union): the whole file's validator calls the same
 * function the explanation does, and no branch is compiled twice.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { _ } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone";
import { stackFileSchema } from "../src/model";
import { PolicySchema } from "../src/model/policy";
import { RepoConfigSchema } from "../src/model/repo-config";

/**
 * The policy schema embeds stack conditions. Their named schemas (`$id`) refer
 * to the stack schema's own definitions, compiled once with its branches, so
 * a policy's condition is checked by the same code as a stack's.
 */
function policySchema(): Node {
  const walk = (n: unknown, root: boolean): unknown => {
    if (Array.isArray(n)) return n.map((x) => walk(x, false));
    if (!n || typeof n !== "object") return n;
    const node = n as Node;
    if (!root && typeof node.$id === "string") return { $ref: node.$id };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, false)]));
  };
  return walk(PolicySchema, true) as Node;
}

export const OUTPUT = resolve(fileURLToPath(new URL("../src/stack/validators.generated.js", import.meta.url)));

type Node = Record<string, unknown> & { anyOf?: Node[]; $ref?: string; $id?: string; const?: unknown };

/** What the generated code is made from: any change to a schema changes it. */
export function schemaHash(): string {
  return createHash("sha256").update(JSON.stringify({ stack: stackFileSchema(), policy: policySchema(), config: RepoConfigSchema })).digest("hex");
}

/** The stack schema with every union branch moved to `$defs` as `branch-N`; the branch ids, in order. */
function branchesAsDefinitions(): { schema: Node & { $id: string; $defs: Record<string, Node> }; ids: string[] } {
  const schema = structuredClone(stackFileSchema()) as unknown as Node & { $id: string; $defs: Record<string, Node> };
  const defs = schema.$defs;
  const deref = (n: Node): Node => (n.$ref && defs[n.$ref] ? defs[n.$ref]! : n);
  const ids: string[] = [];
  const seen = new Set<unknown>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== "object" || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) return n.forEach(walk);
    const node = n as Node;
    // A union of constants is answered with the allowed values, never by a branch.
    if (node.anyOf && !node.anyOf.every((b) => "const" in b)) {
      node.anyOf = node.anyOf.map((b) => {
        const d = deref(b);
        if (d.anyOf) return b; // a nested union is explained by its own branches
        if (!d.$id) {
          d.$id = `branch-${ids.length}`;
          defs[d.$id] = d;
          ids.push(d.$id);
          walk(d);
        }
        return { $ref: d.$id };
      });
    }
    Object.values(node).forEach(walk);
  };
  walk(schema);
  return { schema, ids };
}

/**
 * ajv's output `require`s its small runtime helpers (CommonJS with an
 * `exports.default`): a module-local require loads them the same way under
 * Node, bundlers and test runners, whose ES-module interop differ.
 */
const REQUIRE = 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);';

/**
 * ajv gathers the errors of a `$ref`'d schema (a step, a condition) with
 * `vErrors.concat(…)`: a copy of every error so far per failing item, which is
 * quadratic in a long list of bad steps (51 s for 10,000). Appending in place
 * is linear; the array appended to belongs to the running validation alone.
 */
export const appendInPlace = (code: string): string =>
  code.replace(/\bvErrors\.concat\(([\w$.]+)\)/g, "((a, b) => { for (let i = 0; i < b.length; i++) a.push(b[i]); return a; })(vErrors, $1)");

export function generateValidators(): string {
  const { schema, ids } = branchesAsDefinitions();
  // The options schema-check.ts and policy.ts rely on: every error, with its schema and data (verbose);
  // each branch a function of its own (not inlined), shared by the file's validator and the explanation.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    inlineRefs: false,
    code: { source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  ajv.addSchema(schema);
  const policy = policySchema();
  ajv.addSchema(policy);
  ajv.addSchema(RepoConfigSchema);
  const base = (id: string) => new URL(id, schema.$id).href;
  const refs: Record<string, string> = { stack: schema.$id, policy: policy.$id as string, config: RepoConfigSchema.$id as string };
  ids.forEach((id, i) => (refs[`branch${i}`] = base(id)));
  const code = appendInPlace(standaloneCode(ajv, refs).replace(/^"use strict";/, ""));
  return [
    "// Generated by scripts/generate-validators.ts (`npm run generate`) from src/model: do not edit.",
    REQUIRE,
    code,
    `export const branches = { ${ids.map((id, i) => `${JSON.stringify(id)}: branch${i}`).join(", ")} };`,
    `export const defs = ${JSON.stringify(schema.$defs)};`,
    `export const SCHEMA_HASH = ${JSON.stringify(schemaHash())};`,
    "",
  ].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, generateValidators());
}
