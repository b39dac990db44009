/**
 * Braze lists return ids and an edit time but no content, and have no bulk
 * read: details come one call per object. They are kept per edit time, so a
 * second refresh asks again only for what changed in between.
 */
export class DetailCache<D> {
  private readonly byId = new Map<string, { edited: string; details: D }>();

  async get(id: string, edited: string | undefined, fetch: () => Promise<D>): Promise<D> {
    const known = this.byId.get(id);
    if (known && edited !== undefined && known.edited === edited) return known.details;
    const details = await fetch();
    if (edited !== undefined) this.byId.set(id, { edited, details });
    return details;
  }

  forget(id: string): void {
    this.byId.delete(id);
  }
}
