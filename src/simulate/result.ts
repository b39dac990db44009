import type { Diagnostic } from "../diagnostics";
import type { Channel } from "../model";

/** What a simulation found: plain data, rendered by src/report/simulate-*.ts and compared by `compareResults`. */
export interface SimulationResult {
  stack: string;
  environment: string;
  /** Start of the reported period (ISO) and its length. */
  start: string;
  days: number;
  /** Days simulated before `start` so journeys are under way when it begins. */
  warmupDays: number;
  seed: number;
  /** Contacts that exist at some moment of the period. */
  contacts: number;
  /** Whole weeks in the period: the weekly figures are per (contact, week). */
  weeks: number;
  messages: MessageStats;
  caps: CapStats[];
  overlaps: { contacts: number; pairs: { workflows: [string, string]; contacts: number }[] };
  workflows: WorkflowStats[];
  segments: SegmentStats[];
  /** Messages sent per day of the period, by channel. */
  daily: { day: string; byChannel: Partial<Record<Channel, number>> }[];
  timelines: Timeline[];
  /** Assumptions that were defaulted, and what the simulation could not model. */
  notes: Diagnostic[];
}

/** Median, 95th percentile, maximum and mean of messages per contact per week. */
export interface Spread {
  median: number;
  p95: number;
  max: number;
  mean: number;
}

export interface MessageStats {
  total: number;
  byChannel: Partial<Record<Channel, number>>;
  /** Over every (contact, week) of contacts that existed when the week began. */
  perContactWeek: Spread;
  perContactWeekByChannel: Partial<Record<Channel, Spread>>;
  /** How many (contact, week) pairs got 0, 1, 2, … messages. */
  histogram: number[];
  /** Contacts who got at least one message in the period. */
  messagedContacts: number;
  /** Sends the journeys reached but that did not go out. */
  blocked: { cap: number; consent: number };
}

export interface CapStats {
  cap: string;
  max: number;
  period: string;
  channels: Channel[];
  /** Sends the cap stopped. */
  hits: number;
  /** Contacts who had at least one send stopped. */
  contacts: number;
  byWorkflow: Record<string, number>;
}

export type ExitReason = "goal" | "suppressed" | "exit" | "completed" | "loop";

export interface WorkflowStats {
  workflow: string;
  /** Why a workflow was not run (`draft`, `paused`, `manual trigger`). */
  skipped?: string;
  priority?: number;
  /** Journeys started in the period (holdout excluded) and the distinct contacts in them: the reach. */
  entries: number;
  reach: number;
  holdout: number;
  /** Contacts who qualified but are outside `rollout_percent`. */
  notRolledOut: number;
  /** Triggered, but stopped by the entry filter, a suppression, or re-enrollment rules. */
  filtered: number;
  suppressed: number;
  notReenrolled: number;
  messages: Partial<Record<Channel, number>>;
  /** Messages sent per send step (its id, or its path): how an A/B split divided them. */
  sends: Record<string, number>;
  capped: number;
  noConsent: number;
  opened: number;
  clicked: number;
  /** Journeys started in the period that met the goal before it ended (holdout: the control group's). */
  converted: number;
  holdoutConverted: number;
  exits: Partial<Record<ExitReason, number>>;
  /** Still in the journey when the period ends. */
  active: number;
  webhooks: number;
}

export interface SegmentStats {
  segment: string;
  atStart: number;
  atEnd: number;
  entered: number;
  left: number;
}

export interface TimelineEntry {
  at: string;
  /** `event`: something the contact did; the others: what a journey did. */
  kind: "event" | "enter" | "exit" | "send" | "capped" | "no-consent" | "opened" | "clicked" | "unsubscribed" | "update" | "segment" | "webhook";
  workflow?: string;
  text: string;
}

export interface Timeline {
  /** `followed`: a contact the caller asked for by id. */
  role: "busiest" | "typical" | "capped" | "followed";
  contact: string;
  messages: number;
  entries: TimelineEntry[];
}
