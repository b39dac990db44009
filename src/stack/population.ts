import { existsSync, readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { parse as parseCsv } from "csv-parse/sync";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { closest } from "../diagnostics/suggest";
import type { PropertySpec, Scalar } from "../model";
import { ContactFile, PopulationSchema, type ContactRow, type PopulationSpec } from "../model/population";
import type { Locator } from "./locator";
import { parseYamlFile } from "./yaml-file";

/**
 * The inputs of a simulation besides the stack: the population file
 * (`population.yaml` beside the stack, or `--population FILE`) and a file of
 * real, anonymised contacts (`--from contacts.json|csv`). Read here, checked
 * against their schemas, every problem with file:line:col.
 */

// `verbose`: errors carry their schema, whose keys make the "did you mean" of an unknown key.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validatePopulation = ajv.compile(PopulationSchema);
const validateContacts = ajv.compile(ContactFile);

const POPULATION_FILES = ["population.yaml", "population.yml"];

/** `population.yaml` beside the stack, when there is one. */
export function populationFileOf(baseDir: string): string | undefined {
  return POPULATION_FILES.map((f) => resolve(baseDir, f)).find((f) => existsSync(f));
}

/** Read and check a population file; no file means every default (said in the simulation's notes). */
export function loadPopulation(file: string | undefined): Result<PopulationSpec> {
  if (!file) return { value: {}, diagnostics: [] };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { diagnostics: [error("population/not-found", `population file ${file} cannot be read`, { hint: "create it or fix the path" })] };
  }
  const parsed = parseYamlFile(file, text);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  const data = parsed.value ?? {};
  if (validatePopulation(data)) return { value: data as PopulationSpec, diagnostics: [] };
  return { diagnostics: schemaDiagnostics(validatePopulation.errors ?? [], parsed.locator, "population") };
}

/** ajv's errors as diagnostics: the deepest error per place, unknown keys with a "did you mean". */
function schemaDiagnostics(errors: ErrorObject[], locator: Locator, what: string): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  for (const e of errors) {
    const path = e.instancePath.split("/").slice(1).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
    const at = path.join(".") || what;
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = closest(key, known);
      out.set(`${at}.${key}`, error(`${what}/unknown-key`, `unknown key \`${key}\` in the ${what} file`, {
        range: locator.locate([...path, key], "key"),
        hint: near ? `did you mean \`${near}\`?` : known.length ? `allowed here: ${known.join(", ")}` : undefined,
      }));
    } else if (!out.has(at) && e.keyword !== "anyOf") {
      out.set(at, error(`${what}/bad-value`, `\`${at}\` ${e.message ?? "is not valid"}`, { range: locator.locate(path) }));
    }
  }
  // A union that no branch matched explains itself through its branches' errors above; alone, it still must not pass.
  if (!out.size) out.set("", error(`${what}/bad-value`, `the ${what} file does not match its schema`, { range: locator.locate([]) }));
  return [...out.values()];
}

/**
 * Contacts from a JSON file (`[{ properties, consents, segments, events }]` or
 * `{ contacts: [...] }`) or a CSV file: one row per contact, a column per
 * property, `consent.<type>` and `segment.<name>` columns (yes/no), and
 * `event.<name>` columns holding `;`-separated ISO times.
 */
export function loadContacts(file: string, properties: ReadonlyMap<string, PropertySpec>): Result<ContactRow[]> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { diagnostics: [error("contacts/not-found", `contacts file ${file} cannot be read`, { hint: "check the path given to --from" })] };
  }
  return extname(file).toLowerCase() === ".csv" ? csvContacts(file, text, properties) : jsonContacts(file, text);
}

function jsonContacts(file: string, text: string): Result<ContactRow[]> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [error("contacts/bad-json", `${file} is not valid JSON: ${(e as Error).message}`, { range: { file, line: 1, col: 1 } })] };
  }
  if (!validateContacts(data)) {
    const e = (validateContacts.errors ?? []).find((x) => x.keyword !== "anyOf") ?? validateContacts.errors?.[0];
    return {
      diagnostics: [error("contacts/bad-value", `${file}: \`${e?.instancePath || "/"}\` ${e?.message ?? "does not match the contact format"}`, {
        range: { file, line: 1, col: 1 },
        hint: "each contact: { id?, created_at?, properties?, consents?: [...], segments?: [...], events?: [{ event, at, properties? }] }",
      })],
    };
  }
  return { value: Array.isArray(data) ? (data as ContactRow[]) : (data as { contacts: ContactRow[] }).contacts, diagnostics: [] };
}

const YES = new Set(["yes", "true", "1", "y"]);
const NO = new Set(["no", "false", "0", "n", ""]);

function csvContacts(file: string, text: string, properties: ReadonlyMap<string, PropertySpec>): Result<ContactRow[]> {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (e) {
    const m = e as { message: string; lines?: number };
    return { diagnostics: [error("contacts/bad-csv", `${file}: ${m.message.split("\n")[0]}`, { range: { file, line: m.lines ?? 1, col: 1 } })] };
  }
  const diagnostics: Diagnostic[] = [];
  const rows: ContactRow[] = [];
  records.forEach((rec, n) => {
    const line = n + 2;
    const bad = (column: string, message: string) =>
      diagnostics.push(error("contacts/bad-value", `${file}: row ${n + 1}, column \`${column}\`: ${message}`, { range: { file, line, col: 1 } }));
    const row: Required<Pick<ContactRow, "properties" | "consents" | "segments" | "events">> & ContactRow = { properties: {}, consents: [], segments: [], events: [] };
    for (const [column, raw] of Object.entries(rec)) {
      const [head, ...rest] = column.split(".");
      const name = rest.join(".");
      if (column === "id") row.id = raw;
      else if (column === "created_at") {
        if (raw && Number.isNaN(Date.parse(raw))) bad(column, `\`${raw}\` is not an ISO date`);
        else if (raw) row.created_at = raw;
      } else if ((head === "consent" || head === "segment") && name) {
        const v = raw.toLowerCase();
        if (!YES.has(v) && !NO.has(v)) bad(column, `expected yes or no, got \`${raw}\``);
        else if (YES.has(v)) (head === "consent" ? row.consents : row.segments).push(name);
      } else if (head === "event" && name) {
        for (const at of raw.split(";").map((x) => x.trim()).filter(Boolean)) {
          if (Number.isNaN(Date.parse(at))) bad(column, `\`${at}\` is not an ISO time`);
          else row.events.push({ event: name, at });
        }
      } else if (raw !== "") {
        const v = typed(raw, properties.get(column));
        if (v === undefined) bad(column, `\`${raw}\` is not a ${properties.get(column)!.type}`);
        else row.properties[column] = v;
      }
    }
    rows.push(row);
  });
  return diagnostics.length ? { diagnostics: diagnostics.slice(0, 20) } : { value: rows, diagnostics: [] };
}

/** A CSV cell as the property's type reads it; undefined when it cannot be. */
function typed(raw: string, p: PropertySpec | undefined): Scalar | undefined {
  switch (p?.type) {
    case "number": return Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case "boolean": return YES.has(raw.toLowerCase()) ? true : NO.has(raw.toLowerCase()) ? false : undefined;
    case "date": return Number.isNaN(Date.parse(raw)) ? undefined : raw;
    case "enum": return p.values && !p.values.includes(raw) ? undefined : raw;
    default: return raw;
  }
}
