import { isAbsolute, join, resolve } from "node:path";
import { error } from "../../src/diagnostics";
import { address, KIND_KEYS, type Kind, type Resource } from "../../src/model";
import { paginate, resolveSecret } from "../../src/provider/http";
import { registerProvider } from "../../src/provider/registry";
import { ProviderError, type CallContext, type LiveObject, type Provider, type ProviderFactoryOptions } from "../../src/provider/types";
import { capabilities } from "./capabilities";
import { createSandboxClient } from "./client";
import { MAX_PAGE, type ListResponse, type WireObject } from "./protocol";
import { startSandboxServer, type SandboxServer } from "./server";
import { parseFaultsJson } from "./server/faults";
import { fromWire, normalize, toWire } from "./wire";

/**
 * Servers started in this process, by data directory: two providers on one
 * directory (plan, then apply, in one run) must share one in-memory copy, or
 * the second would overwrite the first's writes.
 */
const embedded = new Map<string, { server: Promise<SandboxServer>; users: number }>();

async function acquireEmbedded(dataDir: string, start: () => Promise<SandboxServer>): Promise<{ server: SandboxServer; release: () => Promise<void> }> {
  let slot = embedded.get(dataDir);
  if (!slot) embedded.set(dataDir, (slot = { server: start(), users: 0 }));
  slot.users++;
  const server = await slot.server.catch((e: unknown) => {
    embedded.delete(dataDir);
    throw e;
  });
  let released = false;
  return {
    server,
    release: async () => {
      if (released) return;
      released = true;
      if (--slot.users === 0) {
        embedded.delete(dataDir);
        await server.close();
      }
    },
  };
}

const num = (v: unknown): number | undefined => (typeof v === "number" && v > 0 ? v : undefined);

/** Provider settings only the sandbox knows (a provider config allows extra keys); anything else is ignored. */
interface SandboxSettings {
  /** Requests per second the embedded server allows before 429. */
  server_rate_limit?: unknown;
  max_retries?: unknown;
  backoff_ms?: unknown;
}

export async function createSandboxProvider(opts: ProviderFactoryOptions): Promise<Provider> {
  const config: ProviderFactoryOptions["config"] & SandboxSettings = opts.config;
  const token = config.token === undefined ? undefined : resolveSecret(config.token, opts.env, opts.baseDir, "sandbox");
  let url = config.url;
  let release = async () => {};
  if (url === undefined) {
    const faults = parseFaultsJson(opts.env.MOPS_SANDBOX_FAULTS);
    if (faults.problem) {
      throw new ProviderError(error("sandbox/bad-faults", `sandbox: ${faults.problem}`, { hint: 'e.g. MOPS_SANDBOX_FAULTS=\'{"crashAfterWrites":3}\'' }));
    }
    const dir = config.data_dir ?? join(".mops", "sandbox", opts.environment);
    const dataDir = isAbsolute(dir) ? dir : resolve(opts.baseDir, dir);
    const acquired = await acquireEmbedded(dataDir, () =>
      startSandboxServer({ dataDir, token, rateLimit: num(config.server_rate_limit), env: opts.env, unref: true }),
    );
    url = acquired.server.url;
    release = acquired.release;
  }
  const client = createSandboxClient({
    url,
    token,
    // Against its own embedded server the client keeps under the server's limit instead of bouncing off it.
    requestsPerSecond: config.rate_limit ?? (config.url === undefined ? num(config.server_rate_limit) : undefined),
    maxRetries: typeof config.max_retries === "number" && config.max_retries >= 0 ? config.max_retries : undefined,
    backoffMs: num(config.backoff_ms),
    onRetry: opts.onRetry,
  });
  const path = (kind: Kind, id?: string) => `/v1/${KIND_KEYS[kind]}${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;

  return {
    name: "sandbox",
    capabilities,
    normalize,
    get requestCount() {
      return client.requestCount;
    },

    async list(kind, ctx) {
      const objects = await paginate(async (cursor) => {
        const page = await client.get<ListResponse>(path(kind), { limit: MAX_PAGE, cursor }, ctx.signal);
        return { items: page.results, next: page.paging.next?.cursor };
      }, "sandbox");
      return objects.map((o) => fromWire(kind, o, ctx.refs));
    },

    async read(kind, id, ctx) {
      try {
        return fromWire(kind, await client.get<WireObject>(path(kind, id), undefined, ctx.signal), ctx.refs);
      } catch (e) {
        if (e instanceof ProviderError && e.status === 404) return undefined;
        throw e;
      }
    },

    create: (resource, ctx) =>
      about(resource, async () => fromWire(resource.kind, await client.post<WireObject>(path(resource.kind), toWire(resource, ctx.refs, ctx.owner), ctx.signal), ctx.refs)),

    update: (resource, live, ctx) =>
      about(resource, async () => {
        const revision = live.version !== undefined ? Number(live.version) : (await currentRevision(resource.kind, live.id, ctx));
        const body = { ...toWire(resource, ctx.refs, ctx.owner), revision };
        return fromWire(resource.kind, await client.put<WireObject>(path(resource.kind, live.id), body, ctx.signal), ctx.refs);
      }),

    async delete(kind, id, ctx) {
      try {
        await client.delete(path(kind, id), ctx.signal);
      } catch (e) {
        // Already gone is what delete wants (e.g. a crashed apply deleted it before journaling).
        if (e instanceof ProviderError && e.status === 404) return;
        throw e;
      }
    },

    async close() {
      await client.close();
      await release();
    },
  };

  async function currentRevision(kind: Kind, id: string, ctx: CallContext): Promise<number> {
    return (await client.get<WireObject>(path(kind, id), undefined, ctx.signal)).revision;
  }
}

/** Names the resource in a refusal, so the user reads which one the platform refused. */
async function about<T extends LiveObject>(resource: Resource, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (!(e instanceof ProviderError) || e.diagnostic.address) throw e;
    throw new ProviderError({ ...e.diagnostic, address: address(resource.kind, resource.name) }, e.retryable, e.status);
  }
}

registerProvider("sandbox", createSandboxProvider);
