/**
 * Vitest global setup: the tests that run `mops` as a user does spawn
 * bin/mops.js, which runs the build in dist/. Build it (the JavaScript, about
 * a second) from the sources as they are now, so no test runs a stale build.
 */
import { buildJs } from "../../scripts/build";

export default async function setup(): Promise<void> {
  await buildJs();
}
