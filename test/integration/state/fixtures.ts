import type { Stack } from "../../../src/model";
import type { HistoryVersion, State, StateBackend, StateResource, VersionInput } from "../../../src/state/types";

export const resource = (name: string, id = `id-${name}`): StateResource => ({
  address: `segment.${name}`,
  kind: "segment",
  name,
  id,
  attributes: { description: `segment ${name}` } as unknown as StateResource["attributes"],
  origin: "created",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

/** A version whose `gitCommit` carries `note`, so tests can tell versions apart. */
export const versionInput = (note: string): VersionInput => ({
  time: "2026-01-01T00:00:00.000Z",
  actor: "ana@laptop",
  gitCommit: note,
  command: "apply",
  desired: { name: "shop", environment: "prod", environments: {}, resources: [] } as unknown as Stack,
  changes: [{ address: "segment.vip", kind: "segment", name: "vip", action: "create", reasons: [{ code: "new" }], id: "s1" }],
  summary: { add: 1, change: 0, replace: 0, destroy: 0, manual: 0, adopt: 0, drifted: 0 },
  outcome: "complete",
  stateSerial: 1,
});

/** One resource set (or removed): the delta a finished operation records. */
export const record = (b: StateBackend, address: string, r: StateResource | null): Promise<State> =>
  b.state.apply({ type: "resource", address, resource: r });

/** Every version, oldest first, read a page at a time as `history` does. */
export async function listAll(b: StateBackend): Promise<HistoryVersion[]> {
  const out: HistoryVersion[] = [];
  for (let before: number | undefined; ; ) {
    const page = await b.history.page({ limit: 7, ...(before ? { before } : {}) });
    for (const s of page.versions) out.unshift((await b.history.get(s.version))!);
    if (page.versions.length < 7) return out;
    before = page.versions.at(-1)!.version;
  }
}
