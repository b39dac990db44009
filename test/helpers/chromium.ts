import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

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
