import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { simulationHtml } from "../../src/report/simulate-html";
import { compareResults, type SimulationResult } from "../../src/simulate";
import { describeInChromium, watchPage } from "../helpers/chromium";
import { at, contacts, mail, run, segment, stack, workflow } from "../unit/simulate/helpers";

/** A small simulation with every section filled: caps hit, journeys at once, a timeline with odd text. */
function result(extraMail: boolean): SimulationResult {
  const s = stack([
    segment("joined", { event: "join", at_least: 1, within: "30d" }),
    { kind: "frequency_cap", name: "weekly", spec: { max: 2, period: "7d", channels: ["email"] } },
    workflow("welcome</script><b>", { trigger: { type: "segment_entry", segment: "joined" }, steps: [mail("w1"), { type: "wait", duration: "1d" }, mail("w2"), ...(extraMail ? [mail("w3", "mail2")] : [])] }),
    workflow("promo", { trigger: { type: "segment_entry", segment: "joined" }, steps: [{ type: "wait", duration: "2d" }, mail("p1")] }),
  ]);
  return run(s, contacts(60, (i) => ({ events: [{ event: "join", at: at(i % 20, i % 7) }] })));
}

describeInChromium("simulation page in headless Chromium", ({ available, browser: chromium, dir: scratch }) => {
  it.skipIf(!available)("draws every chart offline, with no console errors, and shows stack text as text", async () => {
    const browser = chromium(), dir = scratch();
    const before = result(false), after = result(true);
    expect(after.caps[0]!.hits).toBeGreaterThan(0);
    const file = join(dir, "index.html");
    writeFileSync(file, simulationHtml(after, compareResults(before, after)));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { problems, requests } = await watchPage(page);
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.body.getAttribute("data-charts") !== null, undefined, { timeout: 45_000 });
    expect(await page.getAttribute("body", "data-charts")).toBe("rendered");

    // Five charts (the comparison, messages per day, the weekly histogram, caps, workflows), each with pixels drawn.
    const inked = await page.$$eval("canvas", (cs) => cs.map((c) => {
      const ctx = (c as HTMLCanvasElement).getContext("2d")!;
      const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    }));
    expect(inked).toHaveLength(5);
    expect(inked.every((n) => n > 500)).toBe(true);
    expect(await page.evaluate(() => Object.keys((window as unknown as { Chart: { instances: object } }).Chart.instances).length)).toBe(5);

    expect(await page.locator("#workflows td", { hasText: "welcome</script><b>" }).count()).toBeGreaterThan(0);
    expect(await page.locator("#compare .headline").textContent()).toMatch(/more sends stopped by weekly/);
    expect(await page.locator("ol.timeline li.k-capped").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const shot = join(dir, "simulation.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    await page.close();
  });
});
