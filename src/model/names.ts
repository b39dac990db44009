/**
 * Resource names from platform display names ("Cart Recovery – DE" ->
 * `cart_recovery_de`). Providers name live objects with it and `mops import`
 * writes those names, so both must derive them the same way.
 */
export function toResourceName(displayName: string): string {
  const slug = displayName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const named = slug === "" ? "unnamed" : /^[a-z]/.test(slug) ? slug : `n_${slug}`;
  return named.slice(0, 100).replace(/_+$/, "");
}

/**
 * Names for a batch of display names, de-duplicated with `_2`, `_3`, … in the
 * order given (callers pass a stable order, e.g. by platform id).
 */
export function uniqueResourceNames(displayNames: readonly string[]): string[] {
  const taken = new Set<string>();
  return displayNames.map((d) => {
    const base = toResourceName(d);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 95)}_${i}`;
    taken.add(name);
    return name;
  });
}
