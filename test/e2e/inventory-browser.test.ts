import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../src/model";
import { createRequire } from "node:module";
import { inventoryHtml } from "../../src/report/html";
import { planMarkdown } from "../../src/report/markdown";
import { html } from "../../src/report/md";
import { inventory } from "../../src/report/inventory";
import { chromiumAvailable, chromiumRequired, launchChromium, MISSING_CHROMIUM } from "../helpers/chromium";
import { demoPlan, demoStack } from "../unit/report/fixtures";
import { mermaidBlocks } from "../unit/report/mermaid-parser";

/** The demo stack plus a journey whose labels try to break the page. */
function pageStack(): Stack {
  const stack = demoStack();
  stack.resources.push({
    kind: "workflow",
    name: "odd_labels",
    spec: {
      status: "paused",
      owner: "</td><script>alert(1)</script>",
      purpose: 'Quotes "x", <b>tags</b>, pipes | and #hash; 50%% off',
      trigger: { type: "event", event: 'clicked "buy" [now] | #1 <fast>' },
      steps: [
        { type: "branch", condition: { property: "note", op: "eq", value: "a;b:c`d`{e}(f)" }, then: [{ type: "exit" }], else: [] },
        { type: "webhook", url: "https://x.test/?a=1&b=</script>" },
      ],
    },
  });
  return stack;
}

const history = new Map(demoPlan().changes.filter((c) => c.kind === "workflow" && c.action !== "noop").map((c) => [c.address, { version: 7, time: "2026-11-20T10:00:00.000Z" }]));

const available = chromiumAvailable();
if (!available && !chromiumRequired()) {
  console.warn(`\n*** SKIPPING the inventory page browser test: ${MISSING_CHROMIUM} ***\n`);
}

describe("inventory page in headless Chromium", () => {
  if (!available && chromiumRequired()) {
    it("needs Chromium under CI", () => {
      throw new Error(MISSING_CHROMIUM);
    });
    return;
  }

  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!available) return;
    dir = mkdtempSync(join(tmpdir(), "mops-inventory-"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir && !process.env.MOPS_KEEP_SCREENSHOT) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!available)("renders every diagram to SVG, offline, with no console errors", async () => {
    const stack = pageStack();
    const rows = inventory(stack, history);
    const file = join(dir, "index.html");
    writeFileSync(file, inventoryHtml(rows, stack));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // Self-contained means no request leaves the file: anything else is recorded and refused.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      requests.push(url);
      return route.abort();
    });

    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.body.getAttribute("data-diagrams") !== null, undefined, { timeout: 45_000 });
    expect(await page.getAttribute("body", "data-diagrams")).toBe("rendered");

    const diagrams = await page.locator("pre.mermaid").count();
    expect(diagrams).toBe(rows.length + 1); // one per workflow plus the stack overview
    expect(await page.locator("pre.mermaid > svg").count()).toBe(diagrams);
    const nodes = await page.$$eval("pre.mermaid > svg", (svgs) => svgs.map((s) => s.querySelectorAll("g.node").length));
    expect(nodes.every((n) => n >= 2)).toBe(true);

    // User text is shown as text, never run: the injected owner is visible verbatim.
    expect(await page.locator("#wf-odd_labels dd").first().textContent()).toContain('clicked "buy" [now] | #1 <fast>');
    expect(await page.locator("text=</td><script>alert(1)</script>").count()).toBeGreaterThan(0);
    expect(await page.locator("#wf-welcome_series").textContent()).toContain("version 7 (2026-11-20)");

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const shot = join(dir, "inventory.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it.skipIf(!available)("also draws the pull-request diagrams, with their change marks, in the browser", async () => {
    const blocks = mermaidBlocks(planMarkdown(demoPlan()));
    expect(blocks).toHaveLength(3);
    const file = join(dir, "plan-diagrams.html");
    const pre = blocks.map((b) => `<pre class="mermaid">${html(b)}</pre>`).join("\n");
    writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body>${pre}</body></html>`);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js") });
    await page.evaluate(async () => {
      const m = (window as unknown as { mermaid: { initialize(o: object): void; run(): Promise<void> } }).mermaid;
      m.initialize({ startOnLoad: false });
      await m.run();
    });
    expect(await page.locator("pre.mermaid > svg").count()).toBe(3);
    // The change marks survive rendering: classes on the nodes and the words in the labels.
    expect(await page.locator("g.node.changed").count()).toBeGreaterThan(0);
    expect(await page.locator("g.node.added").count()).toBeGreaterThan(0);
    expect(await page.locator("g.node.removed").count()).toBe(1);
    expect(await page.locator("pre.mermaid").first().textContent()).toContain("REMOVED · Send push");
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(dir, "plan-diagrams.png"), fullPage: true });
    await page.close();
  });
});
