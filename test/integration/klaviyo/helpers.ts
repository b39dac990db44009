import { createKlaviyoProvider, type KlaviyoProviderOptions } from "../../../providers/klaviyo";
import { createKlaviyoClient } from "../../../providers/klaviyo/client";
import type { Clock } from "../../../providers/klaviyo/pacer";
import type { CallContext, RefResolver } from "../../../src/provider/types";
import { startFakeKlaviyo, type FakeKlaviyo, type FakeOptions } from "../../fixtures/klaviyo/fake";

/** Looks like a Klaviyo private key; tests check it never leaks. */
export const TOKEN = "pk_5f1e2d3c4b5a69788a9b0c1d2e3f4a5b6c";

export const noRefs: RefResolver = { idOf: () => undefined, nameOf: () => undefined };
export const ctx: CallContext = { refs: noRefs };

/**
 * Virtual time shared by the fake and the client: a wait moves the clock to
 * its deadline at once, so rate windows and days pass without sleeping.
 */
export class VirtualClock implements Clock {
  constructor(public t = Date.parse("2026-12-01T08:00:00Z")) {}
  now = () => this.t;
  sleep = async (ms: number) => {
    const until = this.t + ms;
    await Promise.resolve();
    this.t = Math.max(this.t, until);
  };
}

export async function setup(fakeOpts: Partial<FakeOptions> = {}, extra: Partial<KlaviyoProviderOptions> = {}) {
  const clock = new VirtualClock();
  const fake: FakeKlaviyo = await startFakeKlaviyo({ token: TOKEN, clock, ...fakeOpts });
  const make = (more: Partial<KlaviyoProviderOptions> = {}) =>
    createKlaviyoProvider({
      config: { type: "klaviyo", url: fake.url, token: "${env:KLAVIYO_API_KEY}" },
      env: { KLAVIYO_API_KEY: TOKEN },
      baseDir: "/tmp",
      clock,
      backoffMs: 1,
      random: () => 0,
      ...extra,
      ...more,
    });
  return { clock, fake, provider: make(), make };
}

const closers: (() => Promise<void>)[] = [];
/** A fake and a provider that `closeWorlds` (in afterEach) shuts down. */
export async function world(...args: Parameters<typeof setup>) {
  const w = await setup(...args);
  closers.push(async () => {
    await w.provider.close();
    await w.fake.close();
  });
  return w;
}
/** Also closes what a test opened itself. */
export const onClose = (c: () => Promise<void>) => closers.push(c);
export async function closeWorlds(): Promise<void> {
  for (const c of closers.splice(0)) await c();
}

/** A bare client on the fake (another integration on the same account, or a request by hand); closed with the world. */
export function clientFor(url: string, clock: Clock = new VirtualClock(), config: Record<string, unknown> = {}) {
  const c = createKlaviyoClient({ config: { type: "klaviyo", url, token: "${env:K}", ...config }, env: { K: TOKEN }, baseDir: "/tmp", clock, backoffMs: 1, random: () => 0 });
  onClose(() => c.close());
  return c;
}
