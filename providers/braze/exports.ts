import type { BrazeClient } from "./client";
import { DetailCache } from "./details";

/**
 * The Canvas and campaign exports (braze-docs
 * `_docs/_api/endpoints/export/canvas/get_canvases.md`, `get_canvas_details.md`,
 * `export/campaigns/get_campaigns.md`, `get_campaign_details.md`). Braze has
 * no bulk details call, so details are fetched one by one and kept per
 * `last_edited`: a listing is always fresh, details are fetched again only
 * for what was edited since.
 */

/** A message of a Canvas step or a campaign, keyed by its message variation id. Channel fields vary. */
export interface BrazeMessage {
  channel: string;
  name?: string;
  type?: string;
  subject?: string;
  body?: string;
  alert?: string;
  title?: string;
  header?: string;
  preheader?: string;
  from?: string | string[];
  url?: string;
  method?: string;
  subscription_group_id?: string | null;
  [k: string]: unknown;
}

export interface CanvasListItem { id: string; name: string; last_edited: string; tags?: string[] }

export interface CanvasStep {
  name: string;
  type: string;
  id: string;
  next_step_ids?: string[];
  next_paths?: { name: string | null; next_step_id: string }[];
  channels?: string[];
  messages?: Record<string, BrazeMessage>;
}

export interface CanvasDetails {
  message: string;
  created_at?: string;
  updated_at?: string;
  name: string;
  description?: string | null;
  archived?: boolean;
  draft?: boolean;
  enabled?: boolean;
  has_post_launch_draft?: boolean;
  schedule_type?: string;
  first_entry?: string | null;
  last_entry?: string | null;
  channels?: string[];
  variants?: { name: string; id: string; first_step_ids?: string[]; first_step_id?: string }[];
  tags?: string[];
  teams?: string[];
  steps?: CanvasStep[];
}

export interface CampaignListItem { id: string; name: string; last_edited: string; is_api_campaign?: boolean; tags?: string[] }

export interface ConversionBehavior { type: string; window?: number; custom_event_name?: string; product?: string; app_ids?: string[] | null }

export interface CampaignDetails {
  message: string;
  created_at?: string;
  updated_at?: string;
  archived?: boolean;
  draft?: boolean;
  enabled?: boolean;
  has_post_launch_draft?: boolean;
  name: string;
  description?: string | null;
  schedule_type?: string;
  channels?: string[];
  first_sent?: string | null;
  last_sent?: string | null;
  tags?: string[];
  teams?: string[];
  messages?: Record<string, BrazeMessage>;
  conversion_behaviors?: ConversionBehavior[];
}

export interface Exported<L, D> { listing: L; details: D }
export type CanvasExport = Exported<CanvasListItem, CanvasDetails>;
export type CampaignExport = Exported<CampaignListItem, CampaignDetails>;

/** One export family (Canvases or campaigns): listing, details per edit, archived ones left out. */
class Family<L extends { id: string; last_edited: string }, D extends { archived?: boolean }> {
  private readonly details = new DetailCache<D>();
  private inFlight?: Promise<Exported<L, D>[]>;

  constructor(
    private readonly client: BrazeClient,
    private readonly listPath: string,
    private readonly listKey: string,
    private readonly detailsPath: string,
    private readonly idParam: string,
  ) {}

  /** Every unarchived one with its details; calls made at once share one listing. */
  all(signal?: AbortSignal): Promise<Exported<L, D>[]> {
    this.inFlight ??= this.load(signal).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** One, read now (not from the cache); undefined when Braze has no such id. */
  find(id: string, signal?: AbortSignal): Promise<D | undefined> {
    return this.client.find<D>(this.detailsPath, { [this.idParam]: id }, signal);
  }

  private one(id: string, signal?: AbortSignal): Promise<D> {
    return this.client.get<D>(this.detailsPath, { [this.idParam]: id }, signal);
  }

  private async load(signal?: AbortSignal): Promise<Exported<L, D>[]> {
    const listing = await this.client.pages<L>(this.listPath, this.listKey, {}, signal);
    const out = await Promise.all(listing.map(async (item) => ({
      listing: item,
      details: await this.details.get(item.id, item.last_edited, () => this.one(item.id, signal)),
    })));
    return out.filter((e) => !e.details.archived);
  }
}

export class Exports {
  readonly canvases: Family<CanvasListItem, CanvasDetails>;
  readonly campaigns: Family<CampaignListItem, CampaignDetails>;

  constructor(client: BrazeClient) {
    this.canvases = new Family(client, "/canvas/list", "canvases", "/canvas/details", "canvas_id");
    this.campaigns = new Family(client, "/campaigns/list", "campaigns", "/campaigns/details", "campaign_id");
  }
}
