import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { runSession } from "../../../src/apply";
import { KINDS, type Kind, type ProviderConfig, type Resource, type Stack } from "../../../src/model";
import { narrowPlan, refresh, refreshAndPlan } from "../../../src/plan";
import { LocalBackend } from "../../../src/state/local";
import { createBrazeProvider, type BrazeProvider, type BrazeProviderOptions } from "../../../providers/braze";
import type { Clock } from "../../../providers/braze/limits";
import { startFakeBraze, type FakeBraze, type FakeOptions } from "../../fixtures/braze/fake";

export const KEY = "braze-rest-key-7c1f9e2a4b";
export const SCIM_TOKEN = "braze-scim-token-3d5e8f10";
export const ORIGIN = "mops.northwind.example";
export const ENV = { BRAZE_API_KEY: KEY, BRAZE_SCIM_TOKEN: SCIM_TOKEN };

/** A clock both the fake and the client read; sleeping moves it instead of waiting. */
export function fakeClock(start = Date.parse("2026-03-20T10:00:00Z")): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

export function offline(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
}

export interface World {
  fake: FakeBraze;
  provider: BrazeProvider;
  clock: ReturnType<typeof fakeClock>;
  close(): Promise<void>;
}

/** The fake Braze and a provider on it, sharing one clock. */
export async function world(over: { fake?: Partial<FakeOptions>; provider?: Partial<BrazeProviderOptions>; config?: Record<string, unknown> } = {}): Promise<World> {
  const clock = fakeClock();
  const fake = await startFakeBraze({ key: KEY, scim: { token: SCIM_TOKEN, origin: ORIGIN }, clock, ...over.fake });
  const provider = createBrazeProvider({
    config: {
      type: "braze", url: fake.url, token: "${env:BRAZE_API_KEY}", workspace: "Production",
      scim: { token: "${env:BRAZE_SCIM_TOKEN}", origin: ORIGIN },
      subscription_groups: { sms_marketing: { id: "7d89bdc3-4aa1-4592-8b8a-4c8b7161c875", channel: "sms" } },
      ...over.config,
    } as ProviderConfig,
    env: ENV, baseDir: process.cwd(), clock, backoffMs: 1, random: () => 0, ...over.provider,
  });
  return { fake, provider, clock, close: async () => { await provider.close(); await fake.close(); } };
}

export const readable = (p: BrazeProvider): Kind[] => KINDS.filter((k) => p.capabilities[k]?.read);

export async function refreshAll(p: BrazeProvider) {
  return refresh(p, readable(p), {});
}

/** A stack for the Braze environment of a world, with these resources. */
export function stackOf(w: World, resources: Resource[]): Stack {
  return {
    name: "northwind",
    environment: "braze_prod",
    environments: { braze_prod: { provider: { type: "braze", url: w.fake.url, token: "${env:BRAZE_API_KEY}" } } },
    resources: [...resources].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || (a.name < b.name ? -1 : 1)),
  };
}

/** The engine over a local state directory: apply what the stack says, plan, or adopt what is live (import). */
export function engine(w: World, dir: string) {
  const backend = new LocalBackend({ dir: join(dir, ".mops"), stack: "northwind", environment: "braze_prod" });
  const meta = { actor: "tester@example.com", command: "apply" as const };
  return {
    backend,
    apply: (resources: Resource[]) => runSession({ provider: w.provider, backend, desired: stackOf(w, resources), meta }),
    plan: async (resources: Resource[]) => refreshAndPlan(w.provider, stackOf(w, resources), await backend.state.read()),
    /** Adopt every live object as `mops import` does, and return the resources it declared. */
    async adoptAll(): Promise<Resource[]> {
      const { live } = await refreshAll(w.provider);
      const resources = live.map((o) => ({ kind: o.kind, name: o.name, spec: o.spec }) as Resource);
      const r = await runSession({
        provider: w.provider, backend, desired: stackOf(w, resources), meta: { ...meta, command: "import" }, request: { importAll: true },
        select: (plan) => narrowPlan(plan, (c) => (c.action === "adopt" ? c : undefined)),
      });
      if (r.applied?.outcome !== "complete") throw new Error(`adopting failed: ${JSON.stringify(r.applied?.executed.errors ?? r.diagnostics)}`);
      return resources;
    },
  };
}

/** A fresh fake workspace, provider and state directory for each test of the calling `describe`. */
export function eachTest(over: Parameters<typeof world>[0] = {}): { readonly w: World; readonly dir: string } {
  const box = {} as { w: World; dir: string };
  beforeEach(async () => {
    offline();
    box.w = await world(over);
    box.dir = mkdtempSync(join(tmpdir(), "mops-braze-"));
  });
  afterEach(async () => {
    await box.w.close();
    rmSync(box.dir, { recursive: true, force: true });
  });
  return box;
}
