import type { Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { ContactRow, PopulationSpec } from "../model/population";
import { resolveAssumptions, type Assumptions } from "./assumptions";
import { addBehaviour, generatePopulation, materializeDerived, propertyTypes } from "./generate";
import { DAY_MS, PopulationBuilder, type Population } from "./population";
import { rng } from "./random";
import { addRows } from "./rows";

export { simulate, type SimulationOptions } from "./engine";
export { compareResults, type Comparison } from "./compare";
export { resolveAssumptions, type Assumptions } from "./assumptions";
export { toRows, addRows } from "./rows";
export type * from "./result";
export type { Population } from "./population";

export const DEFAULT_WARMUP_DAYS = 14;

export interface PopulationOptions {
  /** The stack to simulate, and any other that must run over the same people (the last applied one, for `--compare`). */
  stacks: readonly Stack[];
  spec: PopulationSpec;
  /** Generate this many contacts (default: the file's `contacts`, else 10,000)… */
  contacts?: number;
  /** …or take these (a file of real, anonymised contacts); their future behaviour follows the file's rates. */
  rows?: readonly ContactRow[];
  seed: number;
  /** Start of the reported period (ms); history is generated before it. */
  start: number;
  days: number;
  warmupDays?: number;
}

/** The people to simulate and the assumptions about them, from a population file (and a contacts file). */
export function preparePopulation(opts: PopulationOptions): { population: Population; assumptions: Assumptions; diagnostics: Diagnostic[] } {
  const warmupMs = (opts.warmupDays ?? DEFAULT_WARMUP_DAYS) * DAY_MS;
  const { value: assumptions, diagnostics } = resolveAssumptions(opts.spec, opts.stacks, warmupMs);
  const end = opts.start + opts.days * DAY_MS;
  let builder: PopulationBuilder;
  if (opts.rows) {
    builder = new PopulationBuilder(propertyTypes(assumptions));
    builder.declare(assumptions.consent.keys(), assumptions.segments.keys());
    addRows(builder, opts.rows);
    addBehaviour(builder, assumptions, rng(opts.seed), { from: opts.start, end, epoch: opts.start, followFrom: opts.start });
  } else {
    builder = generatePopulation(assumptions, { contacts: opts.contacts ?? assumptions.contacts, seed: opts.seed, epoch: opts.start, end });
  }
  const population = builder.build();
  materializeDerived(population, assumptions, opts.start);
  return { population, assumptions, diagnostics };
}
