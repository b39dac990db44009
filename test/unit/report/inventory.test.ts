import { describe, expect, it } from "vitest";
import { inventoryHtml } from "../../../src/report/html";
import { inventory, inventoryCsv, inventoryJson, inventoryMarkdown, inventoryText, type InventoryRow } from "../../../src/report/inventory";
import { demoStack } from "./fixtures";
import { parseMermaid } from "./mermaid-parser";

const at = (n: number) => ({ version: n, time: `2026-11-${10 + n}T09:00:00.000Z` });

describe("inventory", () => {
  const last = new Map([["workflow.welcome_series", at(3)], ["workflow.cart_recovery", at(3)], ["workflow.winback", at(1)]]);
  const rows = inventory(demoStack(), last);

  it("lists every workflow in words, with the version that last changed it", () => {
    expect(rows.map((r) => r.workflow)).toEqual(["cart_recovery", "welcome_series", "winback"]);
    const cart = rows[0];
    expect(cart).toMatchObject({
      address: "workflow.cart_recovery",
      purpose: "Recover abandoned checkouts within a day",
      trigger: "event started_checkout where cart_value > 20",
      audience: "only if consented to newsletter and country is one of DE, AT, CH; never if in segment vip or placed_order in the last 1 day",
      channels: ["email", "sms"],
      owner: "ana@acme.example",
      status: "active",
      lastChangedVersion: 3,
      lastChangedAt: "2026-11-13T09:00:00.000Z",
    });
    expect(rows[1].lastChangedVersion).toBe(3);
    expect(rows[2]).toMatchObject({ lastChangedVersion: 1, channels: ["email", "webhook"], audience: "never if in segment vip; 10% held out" });
    expect(inventory(demoStack())[0].lastChangedVersion).toBeUndefined();
  });

  it("renders a terminal table, markdown and JSON (golden)", async () => {
    await expect(inventoryText(rows)).toMatchFileSnapshot("__golden__/inventory.txt");
    await expect(inventoryMarkdown(rows)).toMatchFileSnapshot("__golden__/inventory.md");
    expect(JSON.parse(inventoryJson(rows))).toEqual(rows);
  });

  it("writes RFC 4180 CSV: CRLF, quoted fields with commas, quotes and line breaks", () => {
    const odd: InventoryRow = {
      ...rows[0], workflow: "odd", purpose: 'Say "hi",\nthen leave', tags: ["a", "b"], channels: ["email", "sms"],
    };
    const csv = inventoryCsv([odd]);
    const [header, line, end] = csv.split("\r\n");
    expect(header).toBe("workflow,address,status,owner,channels,trigger,audience,last_changed_version,last_changed_at,tags,purpose");
    expect(line).toMatch(/^odd,workflow\.cart_recovery,active,ana@acme\.example,email;sms,/);
    expect(csv).toContain(',"Say ""hi"",\nthen leave"\r\n');
    expect(line).toContain('"only if consented to newsletter and country is one of DE, AT, CH; never if');
    expect(end).toBe("");
    // A naive parser that honours quotes gets the same 11 fields back.
    const fields = parseCsvLine(csv.split("\r\n").slice(1).join("\r\n"));
    expect(fields).toHaveLength(11);
    expect(fields[10]).toBe('Say "hi",\nthen leave');
  });

  it("says so when there are no workflows", () => {
    expect(inventoryText([])).toBe("No workflows declared.\n");
    expect(inventoryCsv([]).split("\r\n")).toHaveLength(2);
  });
});

describe("inventoryHtml", () => {
  const stack = demoStack();
  const html = inventoryHtml(inventory(stack), stack);

  it("is self-contained: Mermaid inlined, no external script, style or font", () => {
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/https?:\/\/cdn/);
    expect(html).toContain("mermaid.initialize");
    expect(html.length).toBeGreaterThan(1_000_000); // the library itself
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the inlined library cannot end its tag early
  });

  it("has one diagram per workflow plus the overview, each one valid Mermaid once unescaped", async () => {
    const blocks = [...html.matchAll(/<pre class="mermaid">([\s\S]*?)<\/pre>/g)].map((m) =>
      m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
    expect(blocks).toHaveLength(4);
    for (const b of blocks) expect(await parseMermaid(b)).toBe("flowchart-v2");
  });

  it("escapes user text", () => {
    const evil = demoStack();
    const wf = evil.resources.find((r) => r.kind === "workflow")!;
    (wf.spec as { purpose?: string }).purpose = "<img src=x onerror=alert(1)>";
    const page = inventoryHtml(inventory(evil), evil);
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

function parseCsvLine(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(cur), (cur = "");
    else if (ch === "\r" && text[i + 1] === "\n") break;
    else cur += ch;
  }
  out.push(cur);
  return out;
}
