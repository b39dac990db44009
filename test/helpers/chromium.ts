import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser, Page } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core: the browsers playwright
 * downloads itself cannot be reached from CI, so tests use the system one
 * (`apt-get install -y chromium`, which .ci/run does when it is missing).
 */
export const CHROMIUM_PATH = process.env.MOPS_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export const MISSING_CHROMIUM =
  `Chromium is not installed at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` ` +
  "(.ci/run does this) or point MOPS_CHROMIUM at a Chromium binary";

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

/** Under CI a missing browser must fail the run (the page is not proven otherwise); locally it is a loud skip. */
export const chromiumRequired = (): boolean => !!process.env.CI && process.env.CI !== "false";

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Watches a page that must stand alone: console errors and warnings, page
 * errors and dialogs are collected as problems, and every request that leaves
 * the file is recorded and refused.
 */
export async function watchPage(page: Page): Promise<{ problems: string[]; requests: string[] }> {
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
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  return { problems, requests };
}

/**
 * A suite that needs Chromium: under CI a missing browser fails it, locally it
 * is skipped with a loud warning. `body` gets the browser and a scratch
 * directory (kept when MOPS_KEEP_SCREENSHOT is set, to look at the screenshots).
 */
export function describeInChromium(
  title: string,
  body: (env: { available: boolean; browser: () => Browser; dir: () => string }) => void,
): void {
  const available = chromiumAvailable();
  if (!available && !chromiumRequired()) console.warn(`\n*** SKIPPING ${title}: ${MISSING_CHROMIUM} ***\n`);
  describe(title, () => {
    if (!available && chromiumRequired()) {
      it("needs Chromium under CI", () => {
        throw new Error(MISSING_CHROMIUM);
      });
      return;
    }
    let dir = "";
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!available) return;
      dir = mkdtempSync(join(tmpdir(), "mops-chromium-"));
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      if (dir && !process.env.MOPS_KEEP_SCREENSHOT) rmSync(dir, { recursive: true, force: true });
    });
    body({ available, browser: () => browser!, dir: () => dir });
  });
}
