/** What a run did, counted: messages, faults, protocol paths taken. Shows what a seed covered. */
export class Stats {
  private readonly counts = new Map<string, number>();

  count(what: string, by = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + by);
  }

  /** The counters, sorted by name. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** Adds `more`'s counters into `into`. */
export function addCounts(
  into: Record<string, number>,
  more: Readonly<Record<string, number>>,
): void {
  for (const [what, n] of Object.entries(more)) into[what] = (into[what] ?? 0) + n;
}
