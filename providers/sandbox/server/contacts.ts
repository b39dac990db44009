import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { ContactRow } from "../../../src/model/population";

/**
 * The sandbox's contacts: properties, consent and static segments by name,
 * events with timestamps. Kept in memory, mirrored to `contacts.ndjson` (one
 * contact a line, so a batch is an append, not a rewrite of everything), and
 * read from disk only when first asked for: a plan that never looks at
 * contacts does not pay for a hundred thousand of them.
 */

const validateRow = new Ajv({ allErrors: false, strict: false }).compile(ContactRow);

export class ContactStore {
  private rows: ContactRow[] | undefined;
  /** Changes on every write: what cached segment sizes are keyed on. */
  version = 0;

  constructor(private readonly dataDir: string | undefined) {}

  private get file(): string | undefined {
    return this.dataDir ? join(this.dataDir, "contacts.ndjson") : undefined;
  }

  all(): readonly ContactRow[] {
    if (!this.rows) {
      const f = this.file;
      this.rows = f && existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as ContactRow) : [];
    }
    return this.rows;
  }

  /** The first contact that breaks the contact schema, as its index and what is wrong; undefined when all are fine. */
  invalid(rows: readonly unknown[]): { index: number; message: string } | undefined {
    for (let i = 0; i < rows.length; i++) {
      if (!validateRow(rows[i])) {
        const e = validateRow.errors?.[0];
        return { index: i, message: `${e?.instancePath || "/"} ${e?.message ?? "is not a contact"}` };
      }
    }
    return undefined;
  }

  add(rows: readonly ContactRow[]): void {
    const all = this.all() as ContactRow[];
    const start = all.length;
    rows.forEach((r, i) => all.push(r.id ? r : { ...r, id: `ct_${start + i + 1}` }));
    const f = this.file;
    if (f) {
      mkdirSync(this.dataDir!, { recursive: true });
      appendFileSync(f, all.slice(start).map((r) => `${JSON.stringify(r)}\n`).join(""));
    }
    this.version++;
  }

  clear(): void {
    this.rows = [];
    if (this.file && existsSync(this.file)) writeFileSync(this.file, "");
    this.version++;
  }
}
