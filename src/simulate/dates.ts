/** The first anniversary of date `v` (same month and day; 29 Feb is 28 Feb in other years) at or after `from` (ms). */
export function nextAnniversary(v: number, from: number): number {
  const d = new Date(v);
  const month = d.getUTCMonth(), day = d.getUTCDate();
  for (let y = new Date(from).getUTCFullYear() - 1; ; y++) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const t = Date.UTC(y, month, month === 1 && day === 29 && !leap ? 28 : day);
    if (t >= from) return t;
  }
}
