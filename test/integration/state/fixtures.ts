import type { Stack } from "../../../src/model";
import type { Plan } from "../../../src/plan/types";
import type { VersionInput } from "../../../src/state/history";
import type { StateResource } from "../../../src/state/types";

export const resource = (name: string, id = `id-${name}`): StateResource => ({
  address: `segment.${name}`,
  kind: "segment",
  name,
  id,
  attributes: { description: `segment ${name}` } as unknown as StateResource["attributes"],
  origin: "created",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

export const versionInput = (note: string): VersionInput => ({
  time: "2026-01-01T00:00:00.000Z",
  actor: "ana@laptop",
  command: "apply",
  desired: { name: "shop", environment: "prod", environments: {}, resources: [] } as unknown as Stack,
  plan: { formatVersion: 1, stack: "shop", environment: "prod", note } as unknown as Plan,
  outcome: "complete",
  stateSerial: 1,
});
